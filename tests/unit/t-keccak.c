/*
 * t-keccak: Keccak-256 against published vectors, and the EIP-55
 * address checksum against the test cases of the EIP itself.
 *
 * Keccak-256: "", "abc" and the quick brown fox as Ethereum clients
 * publish them (keccak256("") is every empty account's code hash), and
 * byte messages of the Keccak team's ShortMsgKAT_256.txt (round 3
 * submission, Keccak[r=1088,c=512], the padding Ethereum uses): 1 byte,
 * and 135, 136 and 137 bytes, where the padding takes the last byte of
 * a block (0x81), a block of its own, or follows a full block.
 * EIP-55: the eight test cases of eips.ethereum.org/EIPS/eip-55 (all
 * caps, all lower, normal) are valid as written; one letter's case
 * flipped in a mixed-case address fails; an address written in one
 * case that is not its EIP-55 form carries no checksum.
 */
#include <stdlib.h>
#include <string.h>

#include "keccak.h"
#include "tap.h"

static const struct {
	const char *msg;	/* hex */
	const char *want;
	const char *what;
} kat[] = {
	{ "", "c5d2460186f7233c927e7db2dcc703c0"
	  "e500b653ca82273b7bfad8045d85a470", "empty" },
	{ "616263", "4e03657aea45a94fc7d47ba826c8d667"
	  "c0d1e6e33a64a036ec44f58fa12d6c45", "abc" },
	{ "54686520717569636b2062726f776e20666f78206a756d7073206f766572"
	  "20746865206c617a7920646f67",
	  "4d741b6f1eb29cb2a9b9911c82f56fa8"
	  "d73b04959d3d9d222895df6c0b28aa15", "the quick brown fox" },
	{ "6b", "f3d0adcb6a1c70832365e9da0a6b2f51"
	  "99422f6a53c67cfad171114e3442aa0f", "KAT Len = 8" },
	{ "2f3fb9e6321405869ff0e6271369357ee08c9c27837fe300adf3766a619795"
	  "91d64e7809627e8f026e762982df5f00bfeb9ce76f1ccb70c9bee6331f7dc8"
	  "b15417295d7aa7ec7c1662a69842059901f136e96052b4d01b72b64f923317"
	  "44872f6de4a915d0262b33ccc375d25d77c3936023e514f30187a9501adc68"
	  "5e6497cc4841e119670d4d",
	  "0484f02cc16415e7e9f28f95b6bb7720"
	  "9e1b25ec35015de84facbc8f9605b39e", "KAT Len = 1080 (rate - 1)" },
	{ "33d0c3052e3ac8c19beca6b0dfa73888f753655fb2c9f77e1238602c9f6d7a"
	  "d33e3dd96c78a22e148ed4c46d7cfdf674505bd40325cb813804e264a450de"
	  "778f1c50fc94f32aa881fe6def7b6ae6efbb42c3be678f40a0932205377"
	  "3e3af020000fe94f3283c7527aa64a2144b92cf8d568df4e6cd957af09ab16"
	  "37e61667e616412558d4fcab4f9",
	  "b30ad6fc320c0d70309dc39953895cb7"
	  "cf3fbedec7d86a5f7aa9f2bb760f6dba", "KAT Len = 1088 (rate)" },
	{ "2f570e7aeadd07406bfc263992a0292c528daab4f32816573b6be58a369984"
	  "65f192e0db70e81cdbe5431477e43ea437cb4eebbe760116b26dfb3ca395c1"
	  "098753e962c3d27f9fb8c2b32fa6f1d3debd22c97b99cb924b388d87db2348"
	  "e5aa9ccf0d60a18cff594eb389f5a55dd362809dde19687064a0feec7c2135"
	  "61cbd130d832d264312cb3e4b6",
	  "6cf9e0e9008f6b5b2d28fb38c47a0212"
	  "e7b28f6a7f44815f10c53141c2f1c84d", "KAT Len = 1096 (rate + 1)" },
};

static const struct {
	const char *addr;	/* without 0x */
	enum spoor_eip55 want;
	const char *what;
} eip55[] = {
	{ "52908400098527886E0F7030069857D2E4169EE7", SPOOR_EIP55_VALID,
	  "EIP-55: all caps 1" },
	{ "8617E340B3D01FA5F11F306F4090FD50E238070D", SPOOR_EIP55_VALID,
	  "EIP-55: all caps 2" },
	{ "de709f2102306220921060314715629080e2fb77", SPOOR_EIP55_VALID,
	  "EIP-55: all lower 1" },
	{ "27b1fdb04752bbc536007a920d24acb045561c26", SPOOR_EIP55_VALID,
	  "EIP-55: all lower 2" },
	{ "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", SPOOR_EIP55_VALID,
	  "EIP-55: normal 1" },
	{ "fB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", SPOOR_EIP55_VALID,
	  "EIP-55: normal 2" },
	{ "dbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", SPOOR_EIP55_VALID,
	  "EIP-55: normal 3" },
	{ "D1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb", SPOOR_EIP55_VALID,
	  "EIP-55: normal 4" },
	/* one letter's case flipped: the check fails */
	{ "5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", SPOOR_EIP55_BAD,
	  "normal 1, second letter upper" },
	{ "D1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDB", SPOOR_EIP55_BAD,
	  "normal 4, last letter upper" },
	{ "dbF03B407c01E7cD3CBea99509d93f8DDDC8C6Fb", SPOOR_EIP55_BAD,
	  "normal 3, last letter lower" },
	{ "52908400098527886e0F7030069857D2E4169EE7", SPOOR_EIP55_BAD,
	  "all caps 1, one letter lower" },
	{ "de709f2102306220921060314715629080e2fB77", SPOOR_EIP55_BAD,
	  "all lower 1, one letter upper" },
	/* one case, not the EIP-55 form: nothing to check */
	{ "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", SPOOR_EIP55_NONE,
	  "normal 1 in lower case" },
	{ "FB6916095CA1DF60BB79CE92CE3EA74C37C5D359", SPOOR_EIP55_NONE,
	  "normal 2 in upper case" },
	{ "52908400098527886e0f7030069857d2e4169ee7", SPOOR_EIP55_NONE,
	  "all caps 1 in lower case" },
	{ "0000000000000000000000000000000000000000", SPOOR_EIP55_NONE,
	  "no letters: no checksum bits" },
};

static size_t unhex(const char *s, unsigned char *out)
{
	size_t n = strlen(s) / 2;

	for (size_t i = 0; i < n; i++) {
		char b[3] = { s[2 * i], s[2 * i + 1], '\0' };

		out[i] = (unsigned char)strtoul(b, NULL, 16);
	}
	return n;
}

int main(void)
{
	unsigned char msg[256], want[32], got[32];

	plan((int)(sizeof(kat) / sizeof(kat[0]) +
		   sizeof(eip55) / sizeof(eip55[0])) + 1);
	for (size_t i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
		size_t n = unhex(kat[i].msg, msg);
		/* exactly n bytes on the heap: ASan sees any overread */
		unsigned char *heap = malloc(n ? n : 1);

		if (n)
			memcpy(heap, msg, n);
		unhex(kat[i].want, want);
		spoor_keccak256(n ? heap : NULL, n, got);
		is_mem(got, 32, want, 32, kat[i].what);
		free(heap);
	}
	for (size_t i = 0; i < sizeof(eip55) / sizeof(eip55[0]); i++) {
		char *a = malloc(40);	/* no NUL: reads stay within 40 */

		memcpy(a, eip55[i].addr, 40);
		is_int(spoor_eip55(a), eip55[i].want, eip55[i].what);
		free(a);
	}
	/* the KAT lengths really are the rate boundaries */
	ok(unhex(kat[4].msg, msg) == 135 && unhex(kat[5].msg, msg) == 136 &&
	   unhex(kat[6].msg, msg) == 137, "KAT messages of 135, 136, 137 "
	   "bytes");
	return done_testing();
}
