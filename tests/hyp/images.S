/*
 * The two guest images: ELF files linked for guest-physical 0x80000000 (guest.ld),
 * built before the hypervisor into tests/build/hyp/guest-a.elf and guest-b.elf and
 * found through -Wa,-I<build dir>. hyp.c loads their segments into each guest's
 * host-physical region before the guest starts.
 */
  .section .rodata.images, "a", @progbits
  .balign 8
  .globl guest_a_image, guest_a_image_end, guest_b_image, guest_b_image_end
guest_a_image:
  .incbin "guest-a.elf"
guest_a_image_end:
  .balign 8
guest_b_image:
  .incbin "guest-b.elf"
guest_b_image_end:
