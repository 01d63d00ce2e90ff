/** Socket system calls (filled in below). */
export {};
