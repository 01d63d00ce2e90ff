/* A tiny JIT: write RISC-V machine code into executable memory, run it,
 * overwrite it in place and run it again. An emulator that caches decoded
 * instructions must notice the rewrite (after __builtin___clear_cache). Both
 * an RWX mapping and the W^X style (RW, then mprotect to RX) are used. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

/* Instruction encoders, RV64I/M base formats. */
static uint32_t i_type(int32_t imm, unsigned rs1, unsigned funct3, unsigned rd, unsigned opcode)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode;
}
static uint32_t r_type(unsigned funct7, unsigned rs2, unsigned rs1, unsigned funct3, unsigned rd, unsigned opcode)
{
    return funct7 << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode;
}
static uint32_t b_type(int32_t off, unsigned rs2, unsigned rs1, unsigned funct3)
{
    uint32_t o = (uint32_t)off;
    return (o >> 12 & 1) << 31 | (o >> 5 & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | (o >> 1 & 0xf) << 8 |
           (o >> 11 & 1) << 7 | 0x63;
}
static uint32_t j_type(int32_t off, unsigned rd)
{
    uint32_t o = (uint32_t)off;
    return (o >> 20 & 1) << 31 | (o >> 1 & 0x3ff) << 21 | (o >> 11 & 1) << 20 | (o >> 12 & 0xff) << 12 | rd << 7 | 0x6f;
}

enum { ZERO = 0, RA = 1, A0 = 10, A1 = 11, OP_IMM = 0x13, OP = 0x33, JALR = 0x67 };
#define ADDI(rd, rs1, imm) i_type(imm, rs1, 0, rd, OP_IMM)
#define ADD(rd, rs1, rs2) r_type(0x00, rs2, rs1, 0, rd, OP)
#define SUB(rd, rs1, rs2) r_type(0x20, rs2, rs1, 0, rd, OP)
#define MUL(rd, rs1, rs2) r_type(0x01, rs2, rs1, 0, rd, OP)
#define BEQ(rs1, rs2, off) b_type(off, rs2, rs1, 0)
#define J(off) j_type(off, ZERO)
#define RET i_type(0, RA, 0, ZERO, JALR)

typedef long (*fn0)(void);
typedef long (*fn2)(long, long);

static void emit(uint32_t *code, const uint32_t *insns, size_t n)
{
    memcpy(code, insns, n * sizeof *insns);
    __builtin___clear_cache((char *)code, (char *)(code + n));
}

int main(void)
{
    uint32_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) {
        perror("mmap");
        return 1;
    }

    const uint32_t ret42[] = {ADDI(A0, ZERO, 42), RET};
    emit(code, ret42, 2);
    printf("constant function returns %ld\n", ((fn0)code)());

    const uint32_t ret_minus7[] = {ADDI(A0, ZERO, -7), RET};
    emit(code, ret_minus7, 2);
    printf("after rewriting the immediate it returns %ld\n", ((fn0)code)());

    const uint32_t add[] = {ADD(A0, A0, A1), RET};
    emit(code, add, 2);
    fn2 f = (fn2)code;
    printf("add(40, 2) = %ld\n", f(40, 2));

    const uint32_t sub[] = {SUB(A0, A0, A1), RET};
    emit(code, sub, 2);
    printf("same address now subtracts: f(40, 2) = %ld\n", f(40, 2));

    /* a loop with both branch formats: a0 * a1 as a1 repeated additions of a0 */
    const uint32_t mul_loop[] = {
        ADDI(12, ZERO, 0),               /* a2 = 0 */
        BEQ(A1, ZERO, 16),               /* if a1 == 0 goto +16 (a0 = a2) */
        ADD(12, 12, A0),                 /* a2 += a0 */
        ADDI(A1, A1, -1),                /* a1 -= 1 */
        J(-12),                          /* back to the beq */
        ADDI(A0, 12, 0),                 /* a0 = a2 */
        RET,
    };
    emit(code, mul_loop, 7);
    printf("multiply by looping: f(6, 7) = %ld\n", f(6, 7));
    for (int round = 0; round < 3; round++) {
        /* patch only the loop body's add into a sub, and back, many times */
        code[2] = round % 2 ? ADD(12, 12, A0) : SUB(12, 12, A0);
        __builtin___clear_cache((char *)&code[2], (char *)&code[3]);
        printf("patched round %d: f(6, 7) = %ld\n", round, f(6, 7));
    }
    munmap(code, 4096);

    uint32_t *wx = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    const uint32_t mul[] = {MUL(A0, A0, A1), RET};
    uint32_t *second_page = wx + 1024;
    emit(second_page, mul, 2);
    mprotect(wx, 8192, PROT_READ | PROT_EXEC);
    printf("W^X page: mul(6, 7) = %ld\n", ((fn2)second_page)(6, 7));
    mprotect(wx, 8192, PROT_READ | PROT_WRITE);
    emit(second_page, add, 2);
    mprotect(wx, 8192, PROT_READ | PROT_EXEC);
    printf("W^X page rewritten: add(6, 7) = %ld\n", ((fn2)second_page)(6, 7));
    munmap(wx, 8192);
    return 0;
}
