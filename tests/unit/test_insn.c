/* SOURCES: ghcb/insn.c */
/*
 * Claims about the #VC instruction decoder (include/x86/insn.h): lengths and status of known
 * encodings in 64-bit and 32-bit mode (one TAP line per encoding), then the decoded fields and
 * effective addresses of the forms the #VC handler relies on.
 */
#include "unit.h"

#include "x86/insn.h"

#define BYTES(...) { __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ })

struct lcase {
	const char *name;
	enum insn_mode mode;
	uint8_t bytes[20];
	size_t n;
	int status;
	unsigned len;
};

static const struct lcase lcases[] = {
	/* #VC instructions, 64-bit mode (opcodes: facts §4.1 vc_check_opcode_bytes list) */
	{ "64: CPUID 0F A2 is 2 bytes", INSN_MODE_64, BYTES(0x0f, 0xa2), INSN_OK, 2 },
	{ "64: RDMSR 0F 32 is 2 bytes", INSN_MODE_64, BYTES(0x0f, 0x32), INSN_OK, 2 },
	{ "64: WRMSR 0F 30 is 2 bytes", INSN_MODE_64, BYTES(0x0f, 0x30), INSN_OK, 2 },
	{ "64: RDTSC 0F 31 is 2 bytes", INSN_MODE_64, BYTES(0x0f, 0x31), INSN_OK, 2 },
	{ "64: RDTSCP 0F 01 F9 is 3 bytes", INSN_MODE_64, BYTES(0x0f, 0x01, 0xf9), INSN_OK, 3 },
	{ "64: VMMCALL 0F 01 D9 is 3 bytes", INSN_MODE_64, BYTES(0x0f, 0x01, 0xd9), INSN_OK, 3 },
	{ "64: VMGEXIT F3 0F 01 D9 is 4 bytes", INSN_MODE_64, BYTES(0xf3, 0x0f, 0x01, 0xd9), INSN_OK, 4 },
	{ "64: WBINVD 0F 09 is 2 bytes", INSN_MODE_64, BYTES(0x0f, 0x09), INSN_OK, 2 },
	{ "64: MONITOR 0F 01 C8 is 3 bytes", INSN_MODE_64, BYTES(0x0f, 0x01, 0xc8), INSN_OK, 3 },
	{ "64: MWAIT 0F 01 C9 is 3 bytes", INSN_MODE_64, BYTES(0x0f, 0x01, 0xc9), INSN_OK, 3 },
	{ "64: MOV rax, DR7 0F 21 F8 is 3 bytes", INSN_MODE_64, BYTES(0x0f, 0x21, 0xf8), INSN_OK, 3 },
	{ "64: MOV DR7, rcx 0F 23 F9 is 3 bytes", INSN_MODE_64, BYTES(0x0f, 0x23, 0xf9), INSN_OK, 3 },
	{ "64: MOV DR7 with mod != 3 takes no displacement (0F 23 B9 -> 3 bytes)", INSN_MODE_64, BYTES(0x0f, 0x23, 0xb9, 0x11, 0x22, 0x33, 0x44), INSN_OK, 3 },
	{ "64: MOV r8, DR7 with REX.B 41 0F 21 F8 is 4 bytes", INSN_MODE_64, BYTES(0x41, 0x0f, 0x21, 0xf8), INSN_OK, 4 },
	{ "64: INVD 0F 08 is 2 bytes", INSN_MODE_64, BYTES(0x0f, 0x08), INSN_OK, 2 },
	{ "64: RDPMC 0F 33 is 2 bytes", INSN_MODE_64, BYTES(0x0f, 0x33), INSN_OK, 2 },
	/* port I/O */
	{ "64: IN AL, imm8 E4 ib is 2 bytes", INSN_MODE_64, BYTES(0xe4, 0x60), INSN_OK, 2 },
	{ "64: IN EAX, imm8 E5 ib is 2 bytes", INSN_MODE_64, BYTES(0xe5, 0x71), INSN_OK, 2 },
	{ "64: OUT imm8, AL E6 ib is 2 bytes", INSN_MODE_64, BYTES(0xe6, 0x80), INSN_OK, 2 },
	{ "64: OUT imm8, EAX E7 ib is 2 bytes", INSN_MODE_64, BYTES(0xe7, 0x80), INSN_OK, 2 },
	{ "64: IN AL, DX EC is 1 byte", INSN_MODE_64, BYTES(0xec), INSN_OK, 1 },
	{ "64: IN AX, DX 66 ED is 2 bytes", INSN_MODE_64, BYTES(0x66, 0xed), INSN_OK, 2 },
	{ "64: OUT DX, AL EE is 1 byte", INSN_MODE_64, BYTES(0xee), INSN_OK, 1 },
	{ "64: OUT DX, EAX EF is 1 byte", INSN_MODE_64, BYTES(0xef), INSN_OK, 1 },
	{ "64: REP OUTSB F3 6E is 2 bytes", INSN_MODE_64, BYTES(0xf3, 0x6e), INSN_OK, 2 },
	{ "64: REP INSW 66 F3 6D is 3 bytes", INSN_MODE_64, BYTES(0x66, 0xf3, 0x6d), INSN_OK, 3 },
	{ "64: OUTSD with CS override 2E 6F is 2 bytes", INSN_MODE_64, BYTES(0x2e, 0x6f), INSN_OK, 2 },
	{ "64: REP OUTSB with 67 is 3 bytes", INSN_MODE_64, BYTES(0x67, 0xf3, 0x6e), INSN_OK, 3 },
	{ "64: INSB 6C is 1 byte", INSN_MODE_64, BYTES(0x6c), INSN_OK, 1 },
	/* MMIO-style moves */
	{ "64: MOV [rax], cl 88 08 is 2 bytes", INSN_MODE_64, BYTES(0x88, 0x08), INSN_OK, 2 },
	{ "64: MOV [rdi+0x10], eax 89 47 10 is 3 bytes", INSN_MODE_64, BYTES(0x89, 0x47, 0x10), INSN_OK, 3 },
	{ "64: MOV ax, [rsi] 66 8B 06 is 3 bytes", INSN_MODE_64, BYTES(0x66, 0x8b, 0x06), INSN_OK, 3 },
	{ "64: MOV rax, [rbx+rcx*8+disp32] is 8 bytes", INSN_MODE_64, BYTES(0x48, 0x8b, 0x84, 0xcb, 0x78, 0x56, 0x34, 0x12), INSN_OK, 8 },
	{ "64: MOV r9d, [r12] needs a SIB: 45 8B 0C 24 is 4 bytes", INSN_MODE_64, BYTES(0x45, 0x8b, 0x0c, 0x24), INSN_OK, 4 },
	{ "64: MOV r13, [r13+0] needs disp8: 4D 8B 6D 00 is 4 bytes", INSN_MODE_64, BYTES(0x4d, 0x8b, 0x6d, 0x00), INSN_OK, 4 },
	{ "64: MOV [rip+disp32], eax 89 05 is 6 bytes", INSN_MODE_64, BYTES(0x89, 0x05, 0x00, 0x01, 0x00, 0x00), INSN_OK, 6 },
	{ "64: MOV byte [rax], imm8 C6 00 ib is 3 bytes", INSN_MODE_64, BYTES(0xc6, 0x00, 0x5a), INSN_OK, 3 },
	{ "64: MOV dword [rdx+4], imm32 is 7 bytes", INSN_MODE_64, BYTES(0xc7, 0x42, 0x04, 0x78, 0x56, 0x34, 0x12), INSN_OK, 7 },
	{ "64: MOV qword [rax], simm32 48 C7 00 is 7 bytes", INSN_MODE_64, BYTES(0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff), INSN_OK, 7 },
	{ "64: MOV word [rax], imm16 66 C7 00 iw is 5 bytes", INSN_MODE_64, BYTES(0x66, 0xc7, 0x00, 0x34, 0x12), INSN_OK, 5 },
	{ "64: MOVZX eax, byte [rdx] 0F B6 02 is 3 bytes", INSN_MODE_64, BYTES(0x0f, 0xb6, 0x02), INSN_OK, 3 },
	{ "64: MOVZX eax, word [rdx] 0F B7 02 is 3 bytes", INSN_MODE_64, BYTES(0x0f, 0xb7, 0x02), INSN_OK, 3 },
	{ "64: MOVSX rax, byte [rdx] 48 0F BE 02 is 4 bytes", INSN_MODE_64, BYTES(0x48, 0x0f, 0xbe, 0x02), INSN_OK, 4 },
	{ "64: MOV al, moffs64 A0 is 9 bytes", INSN_MODE_64, BYTES(0xa0, 1, 2, 3, 4, 5, 6, 7, 8), INSN_OK, 9 },
	{ "64: MOV eax, moffs32 with 67 is 6 bytes", INSN_MODE_64, BYTES(0x67, 0xa1, 1, 2, 3, 4), INSN_OK, 6 },
	{ "64: MOV moffs64, rax 48 A3 is 10 bytes", INSN_MODE_64, BYTES(0x48, 0xa3, 1, 2, 3, 4, 5, 6, 7, 8), INSN_OK, 10 },
	{ "64: REP MOVSB F3 A4 is 2 bytes", INSN_MODE_64, BYTES(0xf3, 0xa4), INSN_OK, 2 },
	{ "64: STOSD AB is 1 byte", INSN_MODE_64, BYTES(0xab), INSN_OK, 1 },
	{ "64: MOV eax, fs:[rbx] 64 8B 03 is 3 bytes", INSN_MODE_64, BYTES(0x64, 0x8b, 0x03), INSN_OK, 3 },
	{ "64: MOV [rsp+8], rax 48 89 44 24 08 is 5 bytes", INSN_MODE_64, BYTES(0x48, 0x89, 0x44, 0x24, 0x08), INSN_OK, 5 },
	{ "64: MOV eax, [rcx*4+disp32] (SIB, no base) is 7 bytes", INSN_MODE_64, BYTES(0x8b, 0x04, 0x8d, 0x00, 0x10, 0x00, 0x00), INSN_OK, 7 },
	{ "64: MOV rax, imm64 48 B8 is 10 bytes", INSN_MODE_64, BYTES(0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8), INSN_OK, 10 },
	{ "64: MOV eax, imm32 B8 is 5 bytes", INSN_MODE_64, BYTES(0xb8, 1, 2, 3, 4), INSN_OK, 5 },
	{ "64: MOV ax, imm16 66 B8 is 4 bytes", INSN_MODE_64, BYTES(0x66, 0xb8, 1, 2), INSN_OK, 4 },
	{ "64: LOCK INC dword [rax] F0 FF 00 is 3 bytes", INSN_MODE_64, BYTES(0xf0, 0xff, 0x00), INSN_OK, 3 },
	/* other shapes */
	{ "64: JMP rel32 E9 is 5 bytes", INSN_MODE_64, BYTES(0xe9, 0, 0, 0, 0), INSN_OK, 5 },
	{ "64: CALL rel32 E8 is 5 bytes", INSN_MODE_64, BYTES(0xe8, 0, 0, 0, 0), INSN_OK, 5 },
	{ "64: JE rel32 0F 84 is 6 bytes", INSN_MODE_64, BYTES(0x0f, 0x84, 0, 0, 0, 0), INSN_OK, 6 },
	{ "64: JE rel8 74 is 2 bytes", INSN_MODE_64, BYTES(0x74, 0x10), INSN_OK, 2 },
	{ "64: NOP 90 is 1 byte", INSN_MODE_64, BYTES(0x90), INSN_OK, 1 },
	{ "64: NOP dword [rax+rax+0] 0F 1F 44 00 00 is 5 bytes", INSN_MODE_64, BYTES(0x0f, 0x1f, 0x44, 0x00, 0x00), INSN_OK, 5 },
	{ "64: 10-byte NOP 66 2E 0F 1F 84 00 .. is 10 bytes", INSN_MODE_64, BYTES(0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0), INSN_OK, 10 },
	{ "64: ENTER iw, ib C8 is 4 bytes", INSN_MODE_64, BYTES(0xc8, 0x10, 0x00, 0x00), INSN_OK, 4 },
	{ "64: RET iw C2 is 3 bytes", INSN_MODE_64, BYTES(0xc2, 0x08, 0x00), INSN_OK, 3 },
	{ "64: TEST byte [rax], ib F6 /0 is 3 bytes", INSN_MODE_64, BYTES(0xf6, 0x00, 0x01), INSN_OK, 3 },
	{ "64: NOT byte [rax] F6 /2 has no immediate, 2 bytes", INSN_MODE_64, BYTES(0xf6, 0x10, 0x01), INSN_OK, 2 },
	{ "64: TEST dword [rax], iz F7 /0 is 6 bytes", INSN_MODE_64, BYTES(0xf7, 0x00, 1, 2, 3, 4), INSN_OK, 6 },
	{ "64: PALIGNR 66 0F 3A 0F C1 ib is 6 bytes", INSN_MODE_64, BYTES(0x66, 0x0f, 0x3a, 0x0f, 0xc1, 0x08), INSN_OK, 6 },
	{ "64: PSHUFB 66 0F 38 00 C1 is 5 bytes", INSN_MODE_64, BYTES(0x66, 0x0f, 0x38, 0x00, 0xc1), INSN_OK, 5 },
	{ "64: BT r/m, ib 0F BA /4 is 4 bytes", INSN_MODE_64, BYTES(0x0f, 0xba, 0xe0, 0x05), INSN_OK, 4 },
	{ "64: UD2 0F 0B is 2 bytes", INSN_MODE_64, BYTES(0x0f, 0x0b), INSN_OK, 2 },
	{ "64: EXTRQ 66 0F 78 /0 ib ib is 6 bytes", INSN_MODE_64, BYTES(0x66, 0x0f, 0x78, 0xc0, 1, 2), INSN_OK, 6 },
	{ "64: 14 prefixes + NOP is exactly 15 bytes", INSN_MODE_64, BYTES(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x90), INSN_OK, 15 },
	/* errors */
	{ "64: empty buffer is truncated", INSN_MODE_64, { 0 }, 0, INSN_ERR_TRUNCATED, 0 },
	{ "64: lone 0F is truncated", INSN_MODE_64, BYTES(0x0f), INSN_ERR_TRUNCATED, 0 },
	{ "64: lone 0F 38 is truncated", INSN_MODE_64, BYTES(0x0f, 0x38), INSN_ERR_TRUNCATED, 0 },
	{ "64: prefixes only are truncated", INSN_MODE_64, BYTES(0x66, 0xf3, 0x48), INSN_ERR_TRUNCATED, 0 },
	{ "64: MOV without its ModRM is truncated", INSN_MODE_64, BYTES(0x8b), INSN_ERR_TRUNCATED, 0 },
	{ "64: MOV without its SIB is truncated", INSN_MODE_64, BYTES(0x8b, 0x04), INSN_ERR_TRUNCATED, 0 },
	{ "64: MOV with half a displacement is truncated", INSN_MODE_64, BYTES(0x48, 0x8b, 0x84, 0xcb, 0x78, 0x56), INSN_ERR_TRUNCATED, 0 },
	{ "64: MOV imm64 with 7 immediate bytes is truncated", INSN_MODE_64, BYTES(0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7), INSN_ERR_TRUNCATED, 0 },
	{ "64: IN imm8 without the port byte is truncated", INSN_MODE_64, BYTES(0xe4), INSN_ERR_TRUNCATED, 0 },
	{ "64: 15 prefixes + NOP is too long", INSN_MODE_64, BYTES(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x90), INSN_ERR_TOO_LONG, 0 },
	{ "64: 10 prefixes + MOV rip-relative (16 bytes) is too long", INSN_MODE_64, BYTES(0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x89, 0x05, 0, 0, 0, 0), INSN_ERR_TOO_LONG, 0 },
	{ "64: PUSH ES 06 is invalid", INSN_MODE_64, BYTES(0x06), INSN_ERR_INVALID, 0 },
	{ "64: AAM D4 is invalid", INSN_MODE_64, BYTES(0xd4, 0x0a), INSN_ERR_INVALID, 0 },
	{ "64: D6 is invalid", INSN_MODE_64, BYTES(0xd6), INSN_ERR_INVALID, 0 },
	{ "64: 0F 04 is invalid", INSN_MODE_64, BYTES(0x0f, 0x04), INSN_ERR_INVALID, 0 },
	{ "64: FF /7 is invalid", INSN_MODE_64, BYTES(0xff, 0xf8), INSN_ERR_INVALID, 0 },
	{ "64: C6 /1 is invalid", INSN_MODE_64, BYTES(0xc6, 0x08, 0x00), INSN_ERR_INVALID, 0 },
	{ "64: VEX3 C4 is unsupported", INSN_MODE_64, BYTES(0xc4, 0xe2, 0x79, 0x00, 0xc1), INSN_ERR_UNSUPPORTED, 0 },
	{ "64: VEX2 VZEROUPPER C5 F8 77 is unsupported", INSN_MODE_64, BYTES(0xc5, 0xf8, 0x77), INSN_ERR_UNSUPPORTED, 0 },
	{ "64: EVEX 62 is unsupported", INSN_MODE_64, BYTES(0x62, 0xf1, 0x7c, 0x48, 0x10, 0x00), INSN_ERR_UNSUPPORTED, 0 },
	{ "64: XOP 8F /1 is unsupported", INSN_MODE_64, BYTES(0x8f, 0xe9, 0x78, 0xc0), INSN_ERR_UNSUPPORTED, 0 },
	/* 32-bit mode */
	{ "32: CPUID 0F A2 is 2 bytes", INSN_MODE_32, BYTES(0x0f, 0xa2), INSN_OK, 2 },
	{ "32: 40 is INC eax, 1 byte (no REX)", INSN_MODE_32, BYTES(0x40), INSN_OK, 1 },
	{ "32: 48 89 00 decodes DEC eax, 1 byte", INSN_MODE_32, BYTES(0x48, 0x89, 0x00), INSN_OK, 1 },
	{ "32: IN AL, DX EC is 1 byte", INSN_MODE_32, BYTES(0xec), INSN_OK, 1 },
	{ "32: OUT DX, AX 66 EF is 2 bytes", INSN_MODE_32, BYTES(0x66, 0xef), INSN_OK, 2 },
	{ "32: REP OUTSD F3 6F is 2 bytes", INSN_MODE_32, BYTES(0xf3, 0x6f), INSN_OK, 2 },
	{ "32: MOV eax, [ebx] 8B 03 is 2 bytes", INSN_MODE_32, BYTES(0x8b, 0x03), INSN_OK, 2 },
	{ "32: MOV eax, [disp32] 8B 05 is 6 bytes", INSN_MODE_32, BYTES(0x8b, 0x05, 0, 0x10, 0, 0), INSN_OK, 6 },
	{ "32: MOV eax, [bx+0x10] 67 8B 47 10 is 4 bytes", INSN_MODE_32, BYTES(0x67, 0x8b, 0x47, 0x10), INSN_OK, 4 },
	{ "32: MOV eax, [disp16] 67 8B 06 is 5 bytes", INSN_MODE_32, BYTES(0x67, 0x8b, 0x06, 0x34, 0x12), INSN_OK, 5 },
	{ "32: MOV eax, [bx+si+disp16] 67 8B 80 is 5 bytes", INSN_MODE_32, BYTES(0x67, 0x8b, 0x80, 0x34, 0x12), INSN_OK, 5 },
	{ "32: LES eax, [eax] C4 00 is 2 bytes", INSN_MODE_32, BYTES(0xc4, 0x00), INSN_OK, 2 },
	{ "32: C5 with mod 3 is VEX, unsupported", INSN_MODE_32, BYTES(0xc5, 0xf8, 0x77), INSN_ERR_UNSUPPORTED, 0 },
	{ "32: BOUND 62 /r (mod != 3) is 2 bytes", INSN_MODE_32, BYTES(0x62, 0x00), INSN_OK, 2 },
	{ "32: MOV eax, moffs32 A1 is 5 bytes", INSN_MODE_32, BYTES(0xa1, 1, 2, 3, 4), INSN_OK, 5 },
	{ "32: MOV eax, moffs16 67 A1 is 4 bytes", INSN_MODE_32, BYTES(0x67, 0xa1, 1, 2), INSN_OK, 4 },
	{ "32: JMP FAR ptr16:32 EA is 7 bytes", INSN_MODE_32, BYTES(0xea, 1, 2, 3, 4, 5, 6), INSN_OK, 7 },
	{ "32: JMP FAR ptr16:16 66 EA is 6 bytes", INSN_MODE_32, BYTES(0x66, 0xea, 1, 2, 3, 4), INSN_OK, 6 },
	{ "32: PUSH ES 06 is 1 byte", INSN_MODE_32, BYTES(0x06), INSN_OK, 1 },
	{ "32: MOV eax, DR7 0F 21 F8 is 3 bytes", INSN_MODE_32, BYTES(0x0f, 0x21, 0xf8), INSN_OK, 3 },
	{ "32: MOV with SIB [esp+4] 8B 44 24 04 is 4 bytes", INSN_MODE_32, BYTES(0x8b, 0x44, 0x24, 0x04), INSN_OK, 4 },
};

static void check_length(void **state)
{
	const struct lcase *c = *state;
	struct insn in;
	int st = insn_decode(&in, c->bytes, c->n, c->mode);

	if (st != c->status)
		fail_msg("%s: status %d (%s), expected %d (%s)", c->name, st, insn_status_name(st),
			 c->status, insn_status_name(c->status));
	if (st == INSN_OK) {
		assert_int_equal(in.len, c->len);
		assert_true(in.len <= c->n);
	}
}

/* ---- field-level claims ---- */

static struct insn dec(enum insn_mode mode, const uint8_t *b, size_t n)
{
	struct insn in;
	int st = insn_decode(&in, b, n, mode);
	if (st != INSN_OK)
		fail_msg("decode failed: %s", insn_status_name(st));
	return in;
}
#define DEC(mode, ...) dec(mode, (const uint8_t[]){ __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ }))

static void vmgexit_fields(void **s)
{
	(void)s;
	struct insn in = DEC(INSN_MODE_64, 0xf3, 0x0f, 0x01, 0xd9);
	assert_int_equal(in.rep, 0xf3);
	assert_int_equal(in.map, INSN_MAP_0F);
	assert_int_equal(in.opcode, 0x01);
	assert_true(in.has_modrm);
	assert_int_equal(in.modrm, 0xd9);
	assert_int_equal(in.mod, 3);
	assert_false(insn_has_mem(&in));
}

static void mov_dr7_fields(void **s)
{
	(void)s;
	struct insn in = DEC(INSN_MODE_64, 0x41, 0x0f, 0x23, 0xf8);
	assert_int_equal(in.reg, 7);            /* DR7 */
	assert_int_equal(in.rm, INSN_REG_R8);
	in = DEC(INSN_MODE_64, 0x0f, 0x21, 0x3a); /* mod 0 treated as register form */
	assert_int_equal(in.mod, 3);
	assert_int_equal(in.reg, 7);
	assert_int_equal(in.rm, INSN_REG_RDX);
	assert_int_equal(in.len, 3);
}

static void io_fields(void **s)
{
	(void)s;
	struct insn in = DEC(INSN_MODE_64, 0xe6, 0xf4);
	assert_int_equal(in.imm_size, 1);
	assert_int_equal(in.imm, 0xf4);
	in = DEC(INSN_MODE_64, 0x66, 0xf3, 0x6d);
	assert_int_equal(in.opsize, 2);
	assert_int_equal(in.rep, 0xf3);
	assert_int_equal(in.addrsize, 8);
	in = DEC(INSN_MODE_64, 0x67, 0xf3, 0x6e);
	assert_int_equal(in.addrsize, 4);
	in = DEC(INSN_MODE_32, 0x67, 0x6e);
	assert_int_equal(in.addrsize, 2);
	in = DEC(INSN_MODE_64, 0x2e, 0x6f);
	assert_int_equal(in.seg, INSN_SEG_CS);
	in = DEC(INSN_MODE_64, 0x48, 0xef);     /* opsize says 8; IN/OUT ignore REX.W (the IOIO code caps at 4) */
	assert_int_equal(in.opsize, 8);
}

static void prefix_fields(void **s)
{
	(void)s;
	struct insn in = DEC(INSN_MODE_64, 0x48, 0x66, 0x89, 0x00);  /* REX before legacy: ignored */
	assert_int_equal(in.rex, 0);
	assert_int_equal(in.opsize, 2);
	assert_int_equal(in.len, 4);
	in = DEC(INSN_MODE_64, 0x66, 0x48, 0x89, 0x00);              /* REX.W wins over 66 */
	assert_int_equal(in.rex, 0x48);
	assert_int_equal(in.opsize, 8);
	assert_int_equal(in.nprefix, 2);
	in = DEC(INSN_MODE_64, 0xf0, 0xff, 0x00);
	assert_true(in.lock);
	in = DEC(INSN_MODE_64, 0xf2, 0xf3, 0xa4);                    /* last of F2/F3 counts */
	assert_int_equal(in.rep, 0xf3);
	in = DEC(INSN_MODE_64, 0x26, 0x64, 0x8b, 0x00);              /* last segment counts */
	assert_int_equal(in.seg, INSN_SEG_FS);
	in = DEC(INSN_MODE_32, 0x66, 0x8b, 0x00);
	assert_int_equal(in.opsize, 2);
	assert_int_equal(in.addrsize, 4);
}

static void modrm_sib_fields(void **s)
{
	(void)s;
	struct insn in = DEC(INSN_MODE_64, 0x48, 0x8b, 0x84, 0xcb, 0x78, 0x56, 0x34, 0x12);
	assert_true(in.has_sib);
	assert_int_equal(in.reg, INSN_REG_RAX);
	assert_int_equal(in.ea_base, INSN_REG_RBX);
	assert_int_equal(in.ea_index, INSN_REG_RCX);
	assert_int_equal(in.ea_scale, 3);
	assert_int_equal(in.disp, 0x12345678);
	assert_int_equal(in.disp_size, 4);

	in = DEC(INSN_MODE_64, 0x45, 0x8b, 0x0c, 0x24);
	assert_int_equal(in.reg, INSN_REG_R9);
	assert_int_equal(in.ea_base, INSN_REG_R12);
	assert_int_equal(in.ea_index, INSN_REG_NONE);

	in = DEC(INSN_MODE_64, 0x42, 0x8b, 0x04, 0x24);              /* REX.X: index 4 -> r12 */
	assert_int_equal(in.ea_index, INSN_REG_R12);
	assert_int_equal(in.ea_base, INSN_REG_RSP);

	in = DEC(INSN_MODE_64, 0x8b, 0x04, 0x8d, 0x00, 0x10, 0x00, 0x00);
	assert_int_equal(in.ea_base, INSN_REG_NONE);
	assert_int_equal(in.ea_index, INSN_REG_RCX);
	assert_int_equal(in.ea_scale, 2);
	assert_int_equal(in.disp, 0x1000);

	in = DEC(INSN_MODE_64, 0x8b, 0x45, 0xf8);
	assert_int_equal(in.disp, -8);
	assert_int_equal(in.ea_base, INSN_REG_RBP);
	assert_int_equal(insn_mem_seg(&in), INSN_SEG_SS);

	in = DEC(INSN_MODE_64, 0x89, 0x05, 0x00, 0x01, 0x00, 0x00);
	assert_true(in.rip_relative);
	in = DEC(INSN_MODE_32, 0x8b, 0x05, 0x00, 0x01, 0x00, 0x00);
	assert_false(in.rip_relative);
	assert_int_equal(in.ea_base, INSN_REG_NONE);
}

static void imm_fields(void **s)
{
	(void)s;
	struct insn in = DEC(INSN_MODE_64, 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff);
	assert_int_equal(in.imm_size, 4);
	assert_true(insn_imm_sext(&in) == -1);
	in = DEC(INSN_MODE_64, 0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11);
	assert_int_equal(in.imm_size, 8);
	assert_true(in.imm == 0x1122334455667788ull);
	in = DEC(INSN_MODE_64, 0x66, 0xc7, 0x00, 0x34, 0x82);
	assert_int_equal(in.imm_size, 2);
	assert_true(insn_imm_sext(&in) == (int16_t)0x8234);
	in = DEC(INSN_MODE_64, 0xa1, 1, 0, 0, 0, 0, 0, 0, 0x80);
	assert_int_equal(in.imm_size, 8);
	assert_true(in.imm == 0x8000000000000001ull);
}

static void ea_64(void **s)
{
	(void)s;
	struct insn_regs r = { 0 };
	uint64_t a;
	struct insn in = DEC(INSN_MODE_64, 0x48, 0x8b, 0x84, 0xcb, 0x78, 0x56, 0x34, 0x12);
	r.gpr[INSN_REG_RBX] = 0x1000;
	r.gpr[INSN_REG_RCX] = 2;
	assert_true(insn_mem_offset(&in, &r, &a));
	assert_true(a == 0x1000 + 16 + 0x12345678);

	in = DEC(INSN_MODE_64, 0x89, 0x05, 0x00, 0x01, 0x00, 0x00);   /* rip-relative */
	r.rip = 0x100000;
	assert_true(insn_mem_offset(&in, &r, &a));
	assert_true(a == 0x100000 + 6 + 0x100);

	in = DEC(INSN_MODE_64, 0x8b, 0x45, 0xf8);                     /* negative disp */
	r.gpr[INSN_REG_RBP] = 0x2000;
	assert_true(insn_mem_offset(&in, &r, &a));
	assert_true(a == 0x2000 - 8);

	in = DEC(INSN_MODE_64, 0x67, 0x8b, 0x00);                     /* 32-bit address size */
	r.gpr[INSN_REG_RAX] = 0x100000010ull;
	assert_true(insn_mem_offset(&in, &r, &a));
	assert_true(a == 0x10);

	in = DEC(INSN_MODE_64, 0x64, 0x8b, 0x03);                     /* FS base counts */
	r.gpr[INSN_REG_RBX] = 0x10;
	r.seg_base[INSN_SEG_FS] = 0x7000;
	r.seg_base[INSN_SEG_DS] = 0x5000000;                          /* ignored in 64-bit */
	assert_true(insn_mem_linear(&in, &r, &a));
	assert_true(a == 0x7010);
	in = DEC(INSN_MODE_64, 0x3e, 0x8b, 0x03);
	assert_true(insn_mem_linear(&in, &r, &a));
	assert_true(a == 0x10);

	in = DEC(INSN_MODE_64, 0x0f, 0xa2);                           /* no memory operand */
	assert_false(insn_mem_offset(&in, &r, &a));
	in = DEC(INSN_MODE_64, 0x89, 0xc0);
	assert_false(insn_mem_linear(&in, &r, &a));
}

static void ea_32_16(void **s)
{
	(void)s;
	struct insn_regs r = { 0 };
	uint64_t a;
	struct insn in = DEC(INSN_MODE_32, 0x67, 0x8b, 0x00);          /* [bx+si] wraps at 64K */
	r.gpr[INSN_REG_RBX] = 0xffff;
	r.gpr[INSN_REG_RSI] = 2;
	assert_true(insn_mem_offset(&in, &r, &a));
	assert_true(a == 1);

	in = DEC(INSN_MODE_32, 0x67, 0x8b, 0x46, 0x04);                /* [bp+4] uses SS */
	r.gpr[INSN_REG_RBP] = 0x100;
	r.seg_base[INSN_SEG_SS] = 0x10000;
	assert_int_equal(insn_mem_seg(&in), INSN_SEG_SS);
	assert_true(insn_mem_linear(&in, &r, &a));
	assert_true(a == 0x10104);

	in = DEC(INSN_MODE_32, 0x8b, 0x83, 0xfc, 0xff, 0xff, 0xff);    /* [ebx-4], 32-bit wrap */
	r.gpr[INSN_REG_RBX] = 2;
	r.seg_base[INSN_SEG_DS] = 0;
	assert_true(insn_mem_linear(&in, &r, &a));
	assert_true(a == 0xfffffffeull);
}

static void string_addrs(void **s)
{
	(void)s;
	struct insn_regs r = { 0 };
	struct insn in = DEC(INSN_MODE_64, 0xf3, 0x6e);
	r.gpr[INSN_REG_RSI] = 0x123456789ull;
	r.gpr[INSN_REG_RDI] = 0x987654321ull;
	assert_true(insn_str_src(&in, &r) == 0x123456789ull);
	assert_true(insn_str_dst(&in, &r) == 0x987654321ull);
	in = DEC(INSN_MODE_64, 0x67, 0xf3, 0x6e);
	assert_true(insn_str_src(&in, &r) == 0x23456789ull);
	in = DEC(INSN_MODE_64, 0x65, 0x6e);                            /* GS override on source */
	r.seg_base[INSN_SEG_GS] = 0x1000;
	assert_true(insn_str_src(&in, &r) == 0x123456789ull + 0x1000);
	in = DEC(INSN_MODE_64, 0x65, 0x6c);                            /* ... never on ES:rDI */
	assert_true(insn_str_dst(&in, &r) == 0x987654321ull);
}

static void bad_arguments(void **s)
{
	(void)s;
	struct insn in;
	uint8_t b = 0x90;
	assert_int_equal(insn_decode(NULL, &b, 1, INSN_MODE_64), INSN_ERR_ARG);
	assert_int_equal(insn_decode(&in, NULL, 1, INSN_MODE_64), INSN_ERR_ARG);
	assert_int_equal(insn_decode(&in, &b, 1, (enum insn_mode)2), INSN_ERR_ARG);
	assert_int_equal(insn_decode(&in, NULL, 0, INSN_MODE_64), INSN_ERR_TRUNCATED);
}

/* The decoder never reads beyond min(len, 15): place the input at the end of a guarded buffer. */
static void reads_stay_in_bounds(void **s)
{
	(void)s;
	static const uint8_t enc[] = { 0x48, 0x8b, 0x84, 0xcb, 0x78, 0x56, 0x34, 0x12 };
	for (size_t n = 0; n <= sizeof(enc); n++) {
		uint8_t *p = malloc(n ? n : 1);
		struct insn in;
		memcpy(p, enc, n);
		int st = insn_decode(&in, p, n, INSN_MODE_64);  /* ASan flags any over-read */
		assert_int_equal(st, n == sizeof(enc) ? INSN_OK : INSN_ERR_TRUNCATED);
		free(p);
	}
}

int main(void)
{
	size_t nl = sizeof(lcases) / sizeof(lcases[0]);
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(vmgexit_fields),
		cmocka_unit_test(mov_dr7_fields),
		cmocka_unit_test(io_fields),
		cmocka_unit_test(prefix_fields),
		cmocka_unit_test(modrm_sib_fields),
		cmocka_unit_test(imm_fields),
		cmocka_unit_test(ea_64),
		cmocka_unit_test(ea_32_16),
		cmocka_unit_test(string_addrs),
		cmocka_unit_test(bad_arguments),
		cmocka_unit_test(reads_stay_in_bounds),
	};
	size_t nf = sizeof(fixed) / sizeof(fixed[0]);
	struct CMUnitTest *t = calloc(nl + nf, sizeof(*t));

	for (size_t i = 0; i < nl; i++) {
		t[i].name = lcases[i].name;
		t[i].test_func = check_length;
		t[i].initial_state = (void *)&lcases[i];
	}
	for (size_t i = 0; i < nf; i++)
		t[nl + i] = fixed[i];
	int rc = _cmocka_run_group_tests("insn", t, nl + nf, NULL, NULL);
	free(t);
	return rc;
}
