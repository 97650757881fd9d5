#!/usr/bin/env python3
# cms-empty-digalgs.py IN.p7s OUT.p7s: the same CMS SignedData (DER) with
# an empty digestAlgorithms SET, valid ASN.1 that OpenSSL parses and
# CMS_verify refuses (CMS_dataInit fails).  OpenSSL 3.0's CMS_verify
# leaks a BIO on that error path (openssl/openssl#30471, #30535): the
# t-verify case that provokes it is the reason for the CMS_verify line
# of tests/lsan.supp.  Only the standard library: DER by hand.
import sys
def hdr(b, i):
    tag = b[i]; l = b[i+1]; j = i + 2
    if l & 0x80:
        n = l & 0x7f; l = int.from_bytes(b[j:j+n], 'big'); j += n
    return tag, j, l          # tag, content start, content length
def enc_len(n):
    if n < 0x80: return bytes([n])
    s = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([0x80 | len(s)]) + s
def tlv(tag, content): return bytes([tag]) + enc_len(len(content)) + content
def children(b, start, length):
    out = []; i = start
    while i < start + length:
        t, c, l = hdr(b, i); out.append(b[i:c + l]); i = c + l
    return out
d = open(sys.argv[1], 'rb').read()
t, c, l = hdr(d, 0)                       # ContentInfo SEQUENCE
oid, expl = children(d, c, l)
t2, c2, l2 = hdr(expl, 0)                 # [0] EXPLICIT
t3, c3, l3 = hdr(expl, c2)                # SignedData SEQUENCE
sd = children(expl, c3, l3)
assert sd[1][0] == 0x31                   # digestAlgorithms SET
sd[1] = b'\x31\x00'
new_sd = tlv(0x30, b''.join(sd))
out = tlv(0x30, oid + tlv(0xa0, new_sd))
open(sys.argv[2], 'wb').write(out)
