// A dynamically linked Go guest (cgo): Go's runtime plus glibc through ld.so.
package main

/*
#cgo LDFLAGS: -lm
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int clen(const char *s) { return (int)strlen(s); }
static double chyp(double a, double b) { return hypot(a, b); }
static int cfmt(char *buf, int n, double x) { return snprintf(buf, n, "%.10g|%a", x, x); }
*/
import "C"

import (
	"fmt"
	"os"
	"sync"
	"unsafe"
)

func main() {
	s := C.CString("hello from cgo")
	defer C.free(unsafe.Pointer(s))
	fmt.Println("strlen via glibc:", C.clen(s))
	fmt.Printf("hypot via libm: %.12f\n", float64(C.chyp(3, 4.5)))
	buf := (*C.char)(C.malloc(64))
	defer C.free(unsafe.Pointer(buf))
	n := C.cfmt(buf, 64, 1.0/3.0)
	fmt.Println("snprintf:", C.GoStringN(buf, n))
	var wg sync.WaitGroup
	sums := make([]int, 4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				sums[g] += int(C.clen(s)) + i%(g+1)
			}
		}(g)
	}
	wg.Wait()
	fmt.Println("goroutines calling C:", sums, "args:", os.Args[1:])
}
