/*
 * norand.c: an LD_PRELOAD shim whose RAND_bytes always fails, as
 * OpenSSL's does when its entropy source is unavailable (t-report:
 * spoor-report must refuse to make a bundle id, not use a fixed one).
 */
int RAND_bytes(unsigned char *buf, int num);

int RAND_bytes(unsigned char *buf, int num)
{
	(void)buf;
	(void)num;
	return 0;
}
