/*
 * custody.c: the hash-chained chain-of-custody log of a case.
 *
 * One event per line, "SEQ\tPREV\tJSON\n"; PREV is the SHA-256 of the
 * previous line without its LF, or for the first line the genesis
 * SHA-256("custody-v1\0" || case id), which binds the log to its case.
 * Editing, deleting, reordering or truncating any line breaks a link or
 * moves the head, which the signed MANIFEST of every bundle records.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "banned.h"

#define GENESIS_TAG "custody-v1"
#define READ_CHUNK (64u << 10)

static void sha256_hex(const void *p, size_t n, char hex[65])
{
	unsigned char md[32];
	unsigned int len = 0;

	if (!EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) || len != 32) {
		hex[0] = '\0';
		return;
	}
	spoor_hex(md, sizeof(md), hex);
}

void spoor_custody_genesis(const char *case_id, char hex[65])
{
	struct sbuf b = SBUF_INIT;

	sbuf_add(&b, GENESIS_TAG, sizeof(GENESIS_TAG)); /* with its NUL */
	sbuf_adds(&b, case_id ? case_id : "");
	if (b.failed)
		hex[0] = '\0';
	else
		sha256_hex(b.buf, b.len, hex);
	sbuf_release(&b);
}

/* ---- checking one line ---- */

struct chain {
	const char *case_id;
	struct spoor_custody_check *c;
	char prev[65];		/* hash the next line must name */
	uint64_t line;		/* 1-based number of the line being read */
};

static int bad(struct chain *ch, struct spoor_err *err, const char *why)
{
	ch->c->bad_line = ch->line;
	return spoor_err_set(err, SPOOR_EFORMAT, 0,
			     "custody log line %" PRIu64 ": %s", ch->line, why);
}

static bool is_lower_hex64(const char *p)
{
	for (int i = 0; i < 64; i++)
		if (!((p[i] >= '0' && p[i] <= '9') ||
		      (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

/* Parse the decimal SEQ field p[0..n): no sign, no leading zero. */
static bool parse_seq(const char *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 19 || (n > 1 && p[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	*out = v;
	return true;
}

static int check_line(struct chain *ch, const char *p, size_t n,
		      struct spoor_err *err)
{
	const char *tab1 = memchr(p, '\t', n);
	const char *prev, *json;
	size_t jlen;
	uint64_t seq;
	char h[65];

	if (memchr(p, '\r', n))
		return bad(ch, err, "carriage return in line");
	if (!tab1 || !parse_seq(p, (size_t)(tab1 - p), &seq))
		return bad(ch, err, "no valid sequence number");
	if (seq != ch->c->count)
		return bad(ch, err, "sequence number out of order (line "
				    "deleted, inserted or moved)");
	prev = tab1 + 1;
	if ((size_t)(p + n - prev) < 66 || prev[64] != '\t' ||
	    !is_lower_hex64(prev))
		return bad(ch, err, "no valid previous-line hash");
	if (memcmp(prev, ch->prev, 64) != 0)
		return bad(ch, err, ch->c->count == 0 ?
			   "first line is not bound to this case id" :
			   "previous-line hash does not match (a line "
			   "before it was changed)");
	json = prev + 65;
	jlen = (size_t)(p + n - json);
	if (jlen < 2 || json[0] != '{' || json[jlen - 1] != '}')
		return bad(ch, err, "event is not a JSON object");
	if (!spoor_utf8_valid(json, jlen) || memchr(json, '\0', jlen))
		return bad(ch, err, "event is not valid UTF-8 text");

	sha256_hex(p, n, h);
	if (!h[0])
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "sha-256 failed");
	memcpy(ch->prev, h, sizeof(h));
	memcpy(ch->c->head, h, sizeof(h));
	if (ch->c->at_seq == seq)
		memcpy(ch->c->at_hash, h, sizeof(h));
	ch->c->count++;
	return 0;
}

/* ---- reading a log ---- */

static void check_reset(struct spoor_custody_check *c)
{
	c->count = 0;
	c->head[0] = '\0';
	c->at_hash[0] = '\0';
	c->bad_line = 0;
}

int spoor_custody_verify_fd(int fd, const char *case_id,
			    struct spoor_custody_check *c,
			    struct spoor_err *err)
{
	struct chain ch = { case_id, c, "", 1 };
	struct sbuf line = SBUF_INIT;
	char *buf;
	int rc = 0;

	if (!case_id || !c)
		return spoor_err_set(err, SPOOR_EINVAL, 0,
				     "custody check needs a case id");
	check_reset(c);
	spoor_custody_genesis(case_id, ch.prev);
	line.max = SPOOR_CUSTODY_MAX_LINE + 1;
	buf = malloc(READ_CHUNK);
	if (!buf)
		return spoor_err_set(err, SPOOR_ENOMEM, errno, "out of memory");

	for (;;) {
		ssize_t got = read(fd, buf, READ_CHUNK);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = spoor_err_set(err, SPOOR_EIO, errno,
					   "cannot read the custody log");
			break;
		}
		if (got == 0)
			break;
		for (const char *p = buf, *end = buf + got; p < end && !rc;) {
			const char *lf = memchr(p, '\n', (size_t)(end - p));
			size_t take = (size_t)((lf ? lf : end) - p);

			sbuf_add(&line, p, take);
			if (line.failed || line.len > SPOOR_CUSTODY_MAX_LINE) {
				c->bad_line = ch.line;
				rc = spoor_err_set(err, SPOOR_ELIMIT, 0,
					"custody log line %" PRIu64
					": longer than %u bytes", ch.line,
					SPOOR_CUSTODY_MAX_LINE);
				break;
			}
			if (!lf)
				break;
			rc = check_line(&ch, line.buf ? line.buf : "",
					line.len, err);
			sbuf_reset(&line);
			ch.line++;
			p = lf + 1;
		}
		if (rc)
			break;
	}
	if (!rc && line.len > 0)
		rc = bad(&ch, err, "last line has no end (log truncated "
				   "mid-line)");
	free(buf);
	sbuf_release(&line);
	return rc;
}

/* ---- appending ---- */

static int event_ok(const char *json, struct spoor_err *err)
{
	size_t n = json ? strlen(json) : 0;

	if (n < 2 || json[0] != '{' || json[n - 1] != '}' ||
	    strpbrk(json, "\r\n") || !spoor_utf8_valid(json, n))
		return spoor_err_set(err, SPOOR_EINVAL, 0,
				     "a custody event must be one JSON object "
				     "on one line of UTF-8");
	if (n > SPOOR_CUSTODY_MAX_LINE - 100)
		return spoor_err_set(err, SPOOR_ELIMIT, 0,
				     "custody event too long");
	return 0;
}

static int append_locked(int fd, const char *path, const char *case_id,
			 const char *event_json, uint64_t *seq, char head[65],
			 struct spoor_err *err)
{
	struct spoor_custody_check c = { .at_seq = UINT64_MAX };
	struct sbuf line = SBUF_INIT;
	char prev[65];
	int rc;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return spoor_err_set(err, SPOOR_EIO, errno,
				     "cannot read '%s'", path);
	rc = spoor_custody_verify_fd(fd, case_id, &c, err);
	if (rc)
		return rc == SPOOR_EIO ? rc :
			spoor_err_set(err, SPOOR_EFORMAT, 0,
				      "refusing to append to '%s': the chain "
				      "is broken at line %" PRIu64,
				      path, c.bad_line);
	if (c.count == 0)
		spoor_custody_genesis(case_id, prev);
	else
		memcpy(prev, c.head, sizeof(prev));

	sbuf_addf(&line, "%" PRIu64 "\t%s\t%s", c.count, prev, event_json);
	if (line.failed)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	if (head)
		sha256_hex(line.buf, line.len, head);
	sbuf_addc(&line, '\n');
	if (line.failed || spoor_write_all(fd, line.buf, line.len) < 0 ||
	    fsync(fd) < 0)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot append to '%s'", path);
	else if (seq)
		*seq = c.count;
	sbuf_release(&line);
	return rc;
}

int spoor_custody_append(const char *path, const char *case_id,
			 const char *event_json, uint64_t *seq, char head[65],
			 struct spoor_err *err)
{
	struct stat st;
	bool created;
	int fd, rc;

	if (!path || !case_id)
		return spoor_err_set(err, SPOOR_EINVAL, 0,
				     "custody append needs a path and case id");
	rc = event_ok(event_json, err);
	if (rc)
		return rc;
	created = lstat(path, &st) != 0;
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0)
		return spoor_err_set(err, SPOOR_EOUTPUT, errno,
				     "cannot open '%s'", path);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return spoor_err_set(err, SPOOR_EOUTPUT, 0,
				     "'%s' is not a regular file", path);
	}
	if (flock(fd, LOCK_EX) != 0) {
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot lock '%s'", path);
		close(fd);
		return rc;
	}
	rc = append_locked(fd, path, case_id, event_json, seq, head, err);
	if (close(fd) != 0 && !rc)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot close '%s'", path);
	/* a new log's name must be durable */
	if (!rc && created && spoor_fsync_dir_of(path) < 0)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot sync the folder of '%s'", path);
	return rc;
}
