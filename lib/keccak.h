/*
 * keccak.h: Keccak-256 as Ethereum uses it, and the EIP-55 checksum of
 * Ethereum addresses built on it.  Not installed.
 */
#ifndef SPOOR_KECCAK_H
#define SPOOR_KECCAK_H

#include <stddef.h>

#define SPOOR_KECCAK256_LEN 32

/* Keccak-256 of len bytes (data may be NULL when len is 0): Keccak[r =
 * 1088, c = 512] with the original Keccak padding, not FIPS 202's
 * SHA3-256 (which appends the domain bits 01 first). */
void spoor_keccak256(const void *data, size_t len,
		     unsigned char out[SPOOR_KECCAK256_LEN]);

enum spoor_eip55 {
	SPOOR_EIP55_BAD,	/* mixed case that is not the EIP-55 form */
	SPOOR_EIP55_VALID,	/* the address's EIP-55 form exactly, with
				 * at least one letter */
	SPOOR_EIP55_NONE,	/* single case but not the EIP-55 form, or
				 * no letters: no checksum written */
};

/* The EIP-55 checksum of an address written as hex: exactly 40 ASCII
 * hex digits, without "0x" (the caller has checked their shape). */
enum spoor_eip55 spoor_eip55(const char *hex);

#endif
