/*
 * artifact_tsk.c: a disk or partition image (anything libtsk opens: raw,
 * split, E01 ...) as an evidence source of spoor-artifacts.  Every
 * allocated partition with a file system that libtsk recognises, or a
 * bare file system, is walked once for the names of its allocated
 * regular files; their bytes are read through libtsk only when a plugin
 * asks for them (asrc_ops.materialise), into the source's private temp
 * dir.  The image is opened read-only by libtsk and never written.
 *
 * Paths: with one file system the paths are the file system's own
 * ("data/data/com.whatsapp/databases/msgstore.db"), so an image and a
 * directory copy of the same tree give the same source_path.  With more
 * than one, each is prefixed with "p<N>/" (N the partition's address as
 * mmls prints it), so that the same path in two partitions stays two
 * files.  Deleted names and orphans are not presented: a plugin needs a
 * file's current bytes, and a reallocated inode would give it another's.
 */
#include "artifact.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tsk/libtsk.h>

#include "banned.h"

#define TSK_MAX_FS 64

/* A file found by the walk: sorted by path before it becomes an entry. */
struct tfile {
	char *path;
	uint64_t size;
	TSK_INUM_T inum;
	unsigned fs;
};

struct tsk_src {
	TSK_IMG_INFO *img;
	TSK_VS_INFO *vs;
	TSK_FS_INFO *fs[TSK_MAX_FS];
	unsigned nfs;
	struct tfile *f;	/* f[i] backs s->e[i] after the sort */
	size_t nf, capf;
	char *tmp_base;
	uint64_t total;		/* bytes materialised */
};

struct walk_arg {
	struct tsk_src *t;
	struct asrc *s;
	unsigned fs;
	const char *prefix;
	int rc;
	struct spoor_err *err;
};

static TSK_WALK_RET_ENUM on_name(TSK_FS_FILE *f, const char *dir, void *p)
{
	struct walk_arg *w = p;
	struct tsk_src *t = w->t;
	struct tfile *tf;
	size_t need;
	char *path;

	if (!f->name || !f->meta || f->name->type != TSK_FS_NAME_TYPE_REG ||
	    f->meta->type != TSK_FS_META_TYPE_REG ||
	    !(f->name->flags & TSK_FS_NAME_FLAG_ALLOC))
		return TSK_WALK_CONT;
	if (t->nf >= ASRC_MAX_ENTRIES) {
		w->rc = spoor_err_set(w->err, SPOOR_ELIMIT, 0,
				      "more than %zu files in '%s'",
				      (size_t)ASRC_MAX_ENTRIES, w->s->evidence);
		return TSK_WALK_STOP;
	}
	if (t->nf == t->capf) {
		size_t cap = t->capf ? t->capf * 2 : 256;
		struct tfile *nf = realloc(t->f, cap * sizeof(*nf));

		if (!nf)
			goto nomem;
		t->f = nf;
		t->capf = cap;
	}
	/* libtsk's dir path has a trailing '/' or is empty at the root */
	need = strlen(w->prefix) + strlen(dir) + strlen(f->name->name) + 1;
	path = malloc(need);
	if (!path)
		goto nomem;
	snprintf(path, need, "%s%s%s", w->prefix, dir, f->name->name);
	tf = &t->f[t->nf++];
	tf->path = path;
	tf->size = f->meta->size > 0 ? (uint64_t)f->meta->size : 0;
	tf->inum = f->meta->addr;
	tf->fs = w->fs;
	return TSK_WALK_CONT;
nomem:
	w->rc = spoor_err_set(w->err, SPOOR_ENOMEM, ENOMEM, "out of memory");
	return TSK_WALK_STOP;
}

static int cmp_tfile(const void *x, const void *y)
{
	return strcmp(((const struct tfile *)x)->path,
		      ((const struct tfile *)y)->path);
}

static void tsk_release(struct asrc *s)
{
	struct tsk_src *t = s->priv;

	if (!t)
		return;
	for (size_t i = 0; i < t->nf; i++)
		free(t->f[i].path);
	free(t->f);
	for (unsigned i = 0; i < t->nfs; i++)
		tsk_fs_close(t->fs[i]);
	if (t->vs)
		tsk_vs_close(t->vs);
	if (t->img)
		tsk_img_close(t->img);
	free(t->tmp_base);
	free(t);
	s->priv = NULL;
}

/* Copy one file's bytes out of the image, through libtsk. */
static int tsk_materialise(struct asrc *s, struct asrc_entry *e,
			   struct spoor_err *err)
{
	struct tsk_src *t = s->priv;
	size_t i = (size_t)(e - s->e);
	struct tfile *tf = &t->f[i];
	TSK_FS_FILE *f;
	char local[4096], buf[64 * 1024];
	uint64_t off = 0;
	int fd, rc = 0;

	if (!s->tmp) {
		/* made on first use: most files are never read */
		snprintf(local, sizeof(local), "%s/spoor-ev.XXXXXX",
			 t->tmp_base);
		if (!mkdtemp(local))
			return spoor_err_set(err, SPOOR_EOUTPUT, errno,
					     "cannot create a directory in "
					     "'%s'", t->tmp_base);
		s->tmp = strdup(local);
		if (!s->tmp) {
			rmdir(local);
			return spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
					     "out of memory");
		}
	}
	if ((t->total += tf->size) > ASRC_MAX_TOTAL)
		return spoor_err_set(err, SPOOR_ELIMIT, 0,
				     "'%s': more than %llu bytes read",
				     s->evidence,
				     (unsigned long long)ASRC_MAX_TOTAL);
	f = tsk_fs_file_open_meta(t->fs[tf->fs], NULL, tf->inum);
	if (!f) {
		tsk_error_reset();
		return spoor_err_set(err, SPOOR_EIO, 0, "'%s': cannot open "
				     "'%s' in the image", s->evidence,
				     e->path);
	}
	snprintf(local, sizeof(local), "%s/m%zu", s->tmp, i);
	fd = open(local, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		  O_NOFOLLOW, 0600);
	if (fd < 0) {
		tsk_fs_file_close(f);
		return spoor_err_set(err, SPOOR_EOUTPUT, errno,
				     "cannot write '%s'", local);
	}
	while (off < tf->size) {
		size_t want = (size_t)MIN((uint64_t)sizeof(buf),
					  tf->size - off);
		ssize_t n = tsk_fs_file_read(f, (TSK_OFF_T)off, buf, want,
					     TSK_FS_FILE_READ_FLAG_NONE);

		if (n <= 0) {
			tsk_error_reset();
			rc = spoor_err_set(err, SPOOR_EIO, 0, "'%s': read "
					   "error in '%s' at offset %" PRIu64,
					   s->evidence, e->path, off);
			break;
		}
		if (spoor_write_all(fd, buf, (size_t)n)) {
			rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
					   "cannot write '%s'", local);
			break;
		}
		off += (uint64_t)n;
	}
	tsk_fs_file_close(f);
	if (close(fd) && !rc)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot write '%s'", local);
	if (!rc && !(e->local = strdup(local)))
		rc = spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
				   "out of memory");
	if (rc)
		unlink(local);
	return rc;
}

static const struct asrc_ops tsk_ops = { "image", tsk_materialise,
					 tsk_release };

static void add_fs(struct tsk_src *t, TSK_OFF_T off)
{
	TSK_FS_INFO *fs;

	if (t->nfs >= TSK_MAX_FS)
		return;
	fs = tsk_fs_open_img(t->img, off, TSK_FS_TYPE_DETECT);
	if (fs)
		t->fs[t->nfs++] = fs;
	tsk_error_reset();
}

int asrc_tsk_open(struct spoor_ctx *ctx, struct asrc *s, const char *path,
		  const char *tmp_base, struct spoor_err *err)
{
	const char *const images[1] = { path };
	struct tsk_src *t = calloc(1, sizeof(*t));
	unsigned addr[TSK_MAX_FS] = { 0 };
	int rc = 0;

	if (!t || !(t->tmp_base = strdup(tmp_base))) {
		free(t);
		return spoor_err_set(err, SPOOR_ENOMEM, ENOMEM,
				     "out of memory");
	}
	/* libtsk opens images O_RDONLY */
	t->img = tsk_img_open_utf8(1, images, TSK_IMG_TYPE_DETECT, 0);
	if (t->img && (t->vs = tsk_vs_open(t->img, 0, TSK_VS_TYPE_DETECT))) {
		for (TSK_PNUM_T i = 0; i < t->vs->part_count; i++) {
			const TSK_VS_PART_INFO *p = tsk_vs_part_get(t->vs, i);
			unsigned n = t->nfs;

			if (!p || !(p->flags & TSK_VS_PART_FLAG_ALLOC))
				continue;
			add_fs(t, (TSK_OFF_T)(p->start * t->vs->block_size));
			if (t->nfs > n)
				addr[n] = (unsigned)p->addr;
		}
	} else if (t->img) {
		tsk_error_reset();
		add_fs(t, 0);
	}
	tsk_error_reset();
	if (!t->nfs) {
		/* not an image with a file system: the caller tries the
		 * other kinds of file */
		s->priv = t;
		tsk_release(s);
		return 1;
	}
	s->priv = t;
	s->ops = &tsk_ops;
	for (unsigned i = 0; !rc && i < t->nfs; i++) {
		char prefix[32] = "";
		struct walk_arg w = { t, s, i, prefix, 0, err };

		if (t->nfs > 1)
			snprintf(prefix, sizeof(prefix), "p%u/", addr[i]);
		if (tsk_fs_dir_walk(t->fs[i], t->fs[i]->root_inum,
				    TSK_FS_DIR_WALK_FLAG_ALLOC |
				    TSK_FS_DIR_WALK_FLAG_RECURSE |
				    TSK_FS_DIR_WALK_FLAG_NOORPHAN,
				    on_name, &w) && !w.rc) {
			const char *m = tsk_error_get();

			/* a damaged directory: what was found is kept; the
			 * first line of libtsk's message is enough */
			if (!m)
				m = "?";
			spoor_log(ctx, SPOOR_LOG_WARN, "'%s': file system "
				  "walk incomplete: %.*s", path,
				  (int)MIN(strcspn(m, "\n"), 160), m);
			tsk_error_reset();
			s->skipped++;
		}
		rc = w.rc;
	}
	if (rc)
		return rc;	/* asrc_free releases t */
	/* the order of a directory walk is the file system's: sort, as
	 * for directories, so that both give the same output */
	if (t->nf > 1)
		qsort(t->f, t->nf, sizeof(*t->f), cmp_tfile);
	for (size_t i = 0; !rc && i < t->nf; i++)
		rc = asrc_add(s, t->f[i].path, NULL, t->f[i].size, err);
	return rc;
}
