/*
 * keccak.c: Keccak-256 (Ethereum's hash) on nettle's Keccak-f[1600]
 * permutation, and the EIP-55 address checksum.
 *
 * OpenSSL 3.0 has SHA3-256 but not Keccak-256; nettle exports the
 * permutation itself (sha3_permute), so only the sponge is here, as
 * "The Keccak reference" 3.0 (Bertoni, Daemen, Peeters, Van Assche,
 * 2011) defines it: rate r = 1088 bits (136 bytes), capacity 512;
 * absorb each block XORed into the first 17 lanes, bytes little-endian;
 * pad10*1 on bytes: M || 0x01 || 0x00... || 0x80 (0x81 when one byte
 * is left); squeeze the first 32 bytes, little-endian.  FIPS 202's
 * SHA3-256 differs only in the padding (0x06 first), and so in every
 * output bit.
 *
 * EIP-55 (eips.ethereum.org/EIPS/eip-55): hash the address's 40
 * lower-case hex digits as ASCII; hex letter i is upper case exactly
 * when nibble i of the hash (high nibble first) is 8 or more.  Its test
 * cases include addresses whose EIP-55 form happens to be all upper or
 * all lower case: an address is valid when it is written exactly in its
 * EIP-55 form, in whatever case that is.
 */
#include "keccak.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <nettle/sha3.h>

#include "banned.h"

#define RATE 136

static void absorb(struct sha3_state *st, const unsigned char *block)
{
	for (size_t i = 0; i < RATE / 8; i++) {
		uint64_t lane = 0;

		for (size_t k = 8; k-- > 0;)
			lane = lane << 8 | block[8 * i + k];
		st->a[i] ^= lane;
	}
	sha3_permute(st);
}

void spoor_keccak256(const void *data, size_t len,
		     unsigned char out[SPOOR_KECCAK256_LEN])
{
	const unsigned char *p = data;
	struct sha3_state st;
	unsigned char last[RATE];

	memset(&st, 0, sizeof(st));
	for (; len >= RATE; p += RATE, len -= RATE)
		absorb(&st, p);
	memset(last, 0, sizeof(last));
	if (len)
		memcpy(last, p, len);
	last[len] ^= 0x01;
	last[RATE - 1] ^= 0x80;
	absorb(&st, last);
	for (size_t i = 0; i < SPOOR_KECCAK256_LEN; i++)
		out[i] = (unsigned char)(st.a[i / 8] >> (8 * (i % 8)));
}

enum spoor_eip55 spoor_eip55(const char *hex)
{
	unsigned char h[SPOOR_KECCAK256_LEN];
	char lower[40];
	bool lo = false, up = false, same = true;

	for (size_t i = 0; i < 40; i++) {
		char c = hex[i];

		lo |= c >= 'a' && c <= 'f';
		up |= c >= 'A' && c <= 'F';
		lower[i] = c >= 'A' && c <= 'F' ? (char)(c - 'A' + 'a') : c;
	}
	spoor_keccak256(lower, sizeof(lower), h);
	for (size_t i = 0; i < 40; i++) {
		unsigned nib = i % 2 ? h[i / 2] & 0x0f : h[i / 2] >> 4;
		bool upper = hex[i] >= 'A' && hex[i] <= 'F';

		if (lower[i] >= 'a' && lower[i] <= 'f' && upper != (nib >= 8))
			same = false;
	}
	/* without letters there is no checksum bit to hold */
	if (same && (lo || up))
		return SPOOR_EIP55_VALID;
	return lo && up ? SPOOR_EIP55_BAD : SPOOR_EIP55_NONE;
}
