/*
 * walk_tsk.c: walk every file system of a disk or partition image with
 * libtsk: the volume system's partitions, every allocated and deleted
 * name, orphans, NTFS named streams.  The entries mirror what `fls -r -p`
 * lists (without NTFS $FILE_NAME attributes, which are not content).
 */
#include "walk.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tsk/libtsk.h>

#include "banned.h"

struct fs_walk {
	struct walk *w;
	TSK_FS_INFO *fs;
	int64_t slot;
	int64_t part_off;	/* bytes */
	const char *fstype;
	bool is_ntfs;
	bool is_fat;
	bool local_times;	/* FAT, exFAT, ISO 9660: wall clocks */
	uint64_t fs_bytes;	/* size of the file system, for bounds */
	struct sbuf path;
	struct spoor_run *runs;
	size_t nruns, runs_cap;
	int rc;			/* first fatal code from the callback */
};

struct tsk_read_ctx {
	const TSK_FS_ATTR *attr;
	uint64_t init_size;	/* bytes past it read as zeros (NTFS) */
};

/*
 * libtsk turns the wall clock of a FAT or ISO 9660 entry into an instant
 * with mktime(), in the process's zone.  With TZ=UTC (as the tools run)
 * that instant is the wall clock itself, read here in the source's zone.
 */
static void check_process_zone(struct walk *w)
{
	struct tm tm = { .tm_year = 124, .tm_mon = 6, .tm_mday = 1,
			 .tm_isdst = -1 };
	struct tm gm = tm;

	if (mktime(&tm) != timegm(&gm) && !w->zone_warned) {
		w->zone_warned = true;
		spoor_log(w->ctx, SPOOR_LOG_WARN, "'%s': the process time "
			  "zone is not UTC: libtsk reads FAT and ISO 9660 "
			  "times in it (run with TZ=UTC)", w->exhibit);
	}
}

static void local_time(const struct spoor_tz *tz, struct spoor_time *t,
		       const char *name, char *flags, size_t size)
{
	struct spoor_wallclock wc;
	struct spoor_tz_conv c;
	size_t n = strlen(flags);

	if (!t->set)
		return;
	spoor_wallclock_from_seconds(t->sec, &wc);
	if (spoor_tz_to_utc(tz, &wc, &c))
		return;
	t->sec = c.utc;
	if (c.quality != SPOOR_TIME_EXACT)
		snprintf(flags + n, size - n, "%s%s:%s", n ? " " : "", name,
			 spoor_time_quality_name(c.quality));
}

/* A local-time file system's times, from the wall clock to UTC. */
static void local_times(struct walk *w, struct spoor_file *f)
{
	f->fs_time_zone = w->fs_tz_name;
	f->fs_time_flags[0] = '\0';
	if (!w->opts->fs_tz)
		return;		/* UTC: the wall clock is the instant */
	local_time(w->opts->fs_tz, &f->mtime, "mtime", f->fs_time_flags,
		   sizeof(f->fs_time_flags));
	local_time(w->opts->fs_tz, &f->atime, "atime", f->fs_time_flags,
		   sizeof(f->fs_time_flags));
	local_time(w->opts->fs_tz, &f->ctime, "ctime", f->fs_time_flags,
		   sizeof(f->fs_time_flags));
	local_time(w->opts->fs_tz, &f->crtime, "crtime", f->fs_time_flags,
		   sizeof(f->fs_time_flags));
}

static const char *tsk_msg(void)
{
	const char *m = tsk_error_get();

	return m && *m ? m : "unknown libtsk error";
}

/* One line of TSK's (multi-line) message, for our one-line errors. */
static void tsk_err(struct spoor_err *err, int code, const char *what)
{
	char line[200];
	const char *m = tsk_msg();
	size_t n = strcspn(m, "\n");

	snprintf(line, sizeof(line), "%.*s", (int)MIN(n, 199), m);
	spoor_err_set(err, code, 0, "%s: %s", what, line);
	tsk_error_reset();
}

static ssize_t attr_read(void *rctx, uint64_t off, void *buf, size_t len,
			 struct spoor_err *err)
{
	struct tsk_read_ctx *rc = rctx;
	ssize_t n;

	if (off >= rc->init_size) {
		/* past the initialised size NTFS reads zeros, which is what
		 * the stream holds; libtsk returns nothing there */
		memset(buf, 0, len);
		return (ssize_t)len;
	}
	n = tsk_fs_attr_read(rc->attr, (TSK_OFF_T)off, buf, len,
			     TSK_FS_FILE_READ_FLAG_NONE);
	if (n < 0) {
		char what[64];

		snprintf(what, sizeof(what), "read error at offset %" PRIu64,
			 off);
		tsk_err(err, SPOOR_EIO, what);
		return SPOOR_EIO;
	}
	return n;
}

static enum spoor_file_type meta_type(TSK_FS_META_TYPE_ENUM t)
{
	switch (t) {
	case TSK_FS_META_TYPE_REG: return SPOOR_FT_FILE;
	case TSK_FS_META_TYPE_DIR: return SPOOR_FT_DIR;
	case TSK_FS_META_TYPE_FIFO: return SPOOR_FT_FIFO;
	case TSK_FS_META_TYPE_CHR: return SPOOR_FT_CHARDEV;
	case TSK_FS_META_TYPE_BLK: return SPOOR_FT_BLOCKDEV;
	case TSK_FS_META_TYPE_LNK: return SPOOR_FT_LINK;
	case TSK_FS_META_TYPE_SHAD: return SPOOR_FT_SHADOW;
	case TSK_FS_META_TYPE_SOCK: return SPOOR_FT_SOCKET;
	case TSK_FS_META_TYPE_WHT: return SPOOR_FT_WHITEOUT;
	case TSK_FS_META_TYPE_VIRT: return SPOOR_FT_VIRTUAL;
	case TSK_FS_META_TYPE_VIRT_DIR: return SPOOR_FT_VIRTUAL_DIR;
	default: return SPOOR_FT_UNKNOWN;
	}
}

static enum spoor_file_type name_type(TSK_FS_NAME_TYPE_ENUM t)
{
	switch (t) {
	case TSK_FS_NAME_TYPE_FIFO: return SPOOR_FT_FIFO;
	case TSK_FS_NAME_TYPE_CHR: return SPOOR_FT_CHARDEV;
	case TSK_FS_NAME_TYPE_DIR: return SPOOR_FT_DIR;
	case TSK_FS_NAME_TYPE_BLK: return SPOOR_FT_BLOCKDEV;
	case TSK_FS_NAME_TYPE_REG: return SPOOR_FT_FILE;
	case TSK_FS_NAME_TYPE_LNK: return SPOOR_FT_LINK;
	case TSK_FS_NAME_TYPE_SOCK: return SPOOR_FT_SOCKET;
	case TSK_FS_NAME_TYPE_SHAD: return SPOOR_FT_SHADOW;
	case TSK_FS_NAME_TYPE_WHT: return SPOOR_FT_WHITEOUT;
	case TSK_FS_NAME_TYPE_VIRT: return SPOOR_FT_VIRTUAL;
	case TSK_FS_NAME_TYPE_VIRT_DIR: return SPOOR_FT_VIRTUAL_DIR;
	default: return SPOOR_FT_UNKNOWN;
	}
}

static void set_time(struct spoor_time *t, time_t sec, uint32_t nsec)
{
	/* libtsk uses 0 for "no such time" */
	t->set = sec != 0;
	t->sec = (int64_t)sec;
	t->nsec = nsec < 1000000000u ? nsec : 0;
}

/* Collect the byte runs of a non-resident attribute (for DFXML). */
static void collect_runs(struct fs_walk *fw, const TSK_FS_ATTR *attr)
{
	uint64_t bs = fw->fs->block_size;
	uint64_t size = (uint64_t)attr->size;
	const TSK_FS_ATTR_RUN *run;
	size_t guard = 0;

	fw->nruns = 0;
	if (!(attr->flags & TSK_FS_ATTR_NONRES))
		return;
	for (run = attr->nrd.run; run; run = run->next) {
		struct spoor_run *r;
		uint64_t off = (uint64_t)run->offset * bs;
		uint64_t len = (uint64_t)run->len * bs;

		if (++guard > 1000000)	/* a corrupt, looping run list */
			break;
		if (run->flags & TSK_FS_ATTR_RUN_FLAG_FILLER || off >= size)
			continue;
		if (len > size - off)
			len = size - off;
		if (fw->nruns == fw->runs_cap) {
			size_t cap = fw->runs_cap ? fw->runs_cap * 2 : 16;
			void *p = realloc(fw->runs, cap * sizeof(*fw->runs));

			if (!p)
				break;
			fw->runs = p;
			fw->runs_cap = cap;
		}
		r = &fw->runs[fw->nruns++];
		r->file_offset = off;
		r->len = len;
		r->sparse = run->flags & TSK_FS_ATTR_RUN_FLAG_SPARSE;
		r->img_offset = r->sparse ? 0
				: (uint64_t)fw->part_off + run->addr * bs;
	}
}

static enum spoor_recovery recovery_of(struct fs_walk *fw,
				       const TSK_FS_FILE *file, uint64_t size)
{
	if (!(file->name->flags & TSK_FS_NAME_FLAG_UNALLOC))
		return SPOOR_REC_NONE;
	if (!file->meta)
		return SPOOR_REC_NO_META;
	if (file->meta->flags & TSK_FS_META_FLAG_ALLOC)
		return SPOOR_REC_REALLOC;
	/* FAT keeps no cluster chain for deleted files: libtsk assumes the
	 * clusters were contiguous, which is only a guess past the first */
	if (fw->is_fat && size > fw->fs->block_size)
		return SPOOR_REC_HEURISTIC;
	return SPOOR_REC_NONE;
}

/* Build and hand over the entry for one name (and NTFS attribute);
 * fn: the $FILE_NAME attribute whose times go with it, or NULL. */
static int emit(struct fs_walk *fw, TSK_FS_FILE *file, const char *a_path,
		const TSK_FS_ATTR *attr, const TSK_FS_ATTR *fn)
{
	struct walk *w = fw->w;
	struct walk_entry e;
	struct spoor_file *f = &e.f;
	struct tsk_read_ctx rctx = { NULL, UINT64_MAX };
	const TSK_FS_META *meta = file->meta;
	size_t name_at, stream_at = 0;
	char ls[12];

	memset(&e, 0, sizeof(e));
	sbuf_reset(&fw->path);
	sbuf_adds(&fw->path, a_path);
	name_at = fw->path.len;
	sbuf_adds(&fw->path, file->name->name);
	if (attr && attr->name &&
	    (attr->type != TSK_FS_ATTR_TYPE_NTFS_IDXROOT ||
	     strcmp(attr->name, "$I30"))) {
		sbuf_addc(&fw->path, ':');
		stream_at = fw->path.len;
		sbuf_adds(&fw->path, attr->name);
	}
	if (fw->path.failed)
		return spoor_err_set(NULL, SPOOR_ELIMIT, 0, "path too long");
	f->path = sbuf_str(&fw->path);
	f->path_len = fw->path.len;
	f->name = f->path + name_at;
	f->name_len = f->path_len - name_at;
	f->stream = stream_at ? f->path + stream_at : NULL;

	f->exhibit = w->exhibit;
	f->partition = fw->slot;
	f->partition_offset = fw->part_off;
	f->fstype = fw->fstype;
	f->type = meta ? meta_type(meta->type) : name_type(file->name->type);
	/* an NTFS directory's data stream is file content (fls: "r") */
	if (attr && attr->type == TSK_FS_ATTR_TYPE_NTFS_DATA &&
	    meta && TSK_FS_IS_DIR_META(meta->type))
		f->type = SPOOR_FT_FILE;
	f->has_inode = true;
	f->inode = file->name->meta_addr;
	if (attr && fw->is_ntfs) {
		f->has_attr = true;
		f->attr_type = (uint32_t)attr->type;
		f->attr_id = attr->id;
	}
	f->allocated = !(file->name->flags & TSK_FS_NAME_FLAG_UNALLOC);
	f->orphan = !strncmp(a_path, "$OrphanFiles/", 13);
	f->size = attr ? (uint64_t)attr->size
		       : meta ? (uint64_t)meta->size : 0;
	if (meta) {
		set_time(&f->mtime, meta->mtime, meta->mtime_nano);
		set_time(&f->atime, meta->atime, meta->atime_nano);
		set_time(&f->ctime, meta->ctime, meta->ctime_nano);
		set_time(&f->crtime, meta->crtime, meta->crtime_nano);
		if (fw->local_times)
			local_times(w, f);
		f->uid = (uint32_t)meta->uid;
		f->gid = (uint32_t)meta->gid;
		if (!tsk_fs_meta_make_ls(meta, ls, sizeof(ls))) {
			const char *nt = file->name->type <
						 TSK_FS_NAME_TYPE_STR_MAX
					 ? tsk_fs_name_type_str[file->name->type]
					 : "-";
			snprintf(f->mode, sizeof(f->mode), "%s/%s", nt, ls);
			f->has_mode = true;
		}
		if (meta->type == TSK_FS_META_TYPE_LNK && meta->link)
			f->link_target = meta->link;
	}
	if (meta && fn) {
		f->has_fn = true;
		set_time(&f->fn_mtime, meta->time2.ntfs.fn_mtime,
			 meta->time2.ntfs.fn_mtime_nano);
		set_time(&f->fn_atime, meta->time2.ntfs.fn_atime,
			 meta->time2.ntfs.fn_atime_nano);
		set_time(&f->fn_ctime, meta->time2.ntfs.fn_ctime,
			 meta->time2.ntfs.fn_ctime_nano);
		set_time(&f->fn_crtime, meta->time2.ntfs.fn_crtime,
			 meta->time2.ntfs.fn_crtime_nano);
		f->fn_attr_id = fn->id;
		f->fn_size = (uint64_t)fn->size;
	}
	f->recovery = recovery_of(fw, file, f->size);

	e.has_content = (f->type == SPOOR_FT_FILE ||
			 f->type == SPOOR_FT_VIRTUAL) &&
			f->recovery != SPOOR_REC_REALLOC &&
			f->recovery != SPOOR_REC_NO_META;
	if (e.has_content && !w->count_only) {
		if (!attr)
			attr = tsk_fs_file_attr_get(file);
		if (!attr && f->size == 0) {
			/* no data attribute and nothing to read (NTFS's
			 * unused reserved MFT entries): empty content */
			tsk_error_reset();
		} else if (!attr) {
			/* a file whose data attribute libtsk cannot load:
			 * a corrupt inode */
			tsk_error_reset();
			f->error = "cannot load the data attribute";
			e.has_content = false;
		} else if (fw->is_ntfs && (attr->flags & TSK_FS_ATTR_NONRES) &&
			   attr->nrd.initsize == 0 && attr->size > 0) {
			/* never written (NTFS $BadClus:$Bad is one, as large
			 * as the volume): all zeros by definition, nothing to
			 * read, and hashing a volume's worth of zeros would
			 * take as long as imaging it */
			f->uninitialised = true;
			e.has_content = false;
		} else {
			collect_runs(fw, attr);
			f->runs = fw->nruns ? fw->runs : NULL;
			f->nruns = fw->nruns;
			rctx.attr = attr;
			if (fw->is_ntfs && (attr->flags & TSK_FS_ATTR_NONRES))
				rctx.init_size = (uint64_t)attr->nrd.initsize;
			e.read = attr_read;
			e.rctx = &rctx;
		}
	}
	if (e.has_content && fw->fs_bytes && f->size > fw->fs_bytes) {
		/* larger than its file system: corrupt or hostile metadata
		 * (or a huge sparse file); reading it might never end */
		f->error = "claimed size exceeds the file system; not read";
		e.has_content = false;
	}
	return w->cb(w->ud, &e);
}

static TSK_WALK_RET_ENUM dir_cb(TSK_FS_FILE *file, const char *a_path,
				void *ptr)
{
	struct fs_walk *fw = ptr;
	const TSK_FS_ATTR *fn = NULL;
	int printed = 0, cnt, rc = 0;

	if (atomic_load(fw->w->interrupted)) {
		fw->rc = SPOOR_ESTOPPED;
		return TSK_WALK_STOP;
	}
	if (!file->name || TSK_FS_ISDOT(file->name->name))
		return TSK_WALK_CONT;
	if (!fw->is_ntfs || !file->meta) {
		rc = emit(fw, file, a_path, NULL, NULL);
		goto out;
	}
	/* NTFS: one entry per data stream, one for a directory's index;
	 * the $FILE_NAME times libtsk took (as fls -m: the attribute with
	 * id fn_id) go with the first */
	cnt = tsk_fs_file_attr_getsize(file);
	for (int i = 0; i < cnt && !fn; i++) {
		const TSK_FS_ATTR *attr = tsk_fs_file_attr_get_idx(file, i);

		if (attr && attr->type == TSK_FS_ATTR_TYPE_NTFS_FNAME &&
		    attr->id == file->meta->time2.ntfs.fn_id)
			fn = attr;
	}
	for (int i = 0; i < cnt && !rc; i++) {
		const TSK_FS_ATTR *attr = tsk_fs_file_attr_get_idx(file, i);

		if (!attr)
			continue;
		if (attr->type == TSK_FS_ATTR_TYPE_NTFS_DATA ||
		    attr->type == TSK_FS_ATTR_TYPE_NTFS_IDXROOT) {
			rc = emit(fw, file, a_path, attr,
				  printed ? NULL : fn);
			printed = 1;
		}
	}
	if (!printed && !rc)
		rc = emit(fw, file, a_path, NULL, fn);
out:
	if (rc) {
		fw->rc = rc;
		return TSK_WALK_STOP;
	}
	return TSK_WALK_CONT;
}

/* Open the file system at byte offset `off`; log and count problems. */
static int walk_fs(struct walk *w, TSK_IMG_INFO *img, int64_t slot,
		   int64_t off, const char *desc, struct spoor_err *err)
{
	TSK_FS_TYPE_ENUM type = TSK_FS_TYPE_DETECT;
	struct fs_walk fw;
	TSK_FS_INFO *fs;
	int rc = SPOOR_OK;

	if (w->opts->fs_type) {
		type = tsk_fs_type_toid_utf8(w->opts->fs_type);
		if (type == TSK_FS_TYPE_UNSUPP)
			return spoor_err_set(err, SPOOR_EINVAL, 0,
				"unknown file system type '%s' (see "
				"fsstat -f list)", w->opts->fs_type);
	}
	fs = tsk_fs_open_img(img, (TSK_OFF_T)off, type);
	if (!fs) {
		char what[160];

		snprintf(what, sizeof(what), "%s at offset %" PRId64
			 " (sector %" PRId64 ")%s%s",
			 slot >= 0 ? "partition" : "volume", off,
			 off / (img->sector_size ? img->sector_size : 512),
			 desc ? ", " : "", desc ? desc : "");
		/* libtsk has no code of its own for this, only the text:
		 * "Cannot determine file system type (EXT2/3/4 or FAT)" */
		if (strstr(tsk_msg(), "Multiple file system types") ||
		    (strstr(tsk_msg(), "Cannot determine file system type") &&
		     strstr(tsk_msg(), " or "))) {
			tsk_err(err, SPOOR_EAMBIGUOUS, what);
			return SPOOR_EAMBIGUOUS;
		}
		tsk_err(err, SPOOR_EFORMAT, what);
		return SPOOR_EFORMAT;
	}
	memset(&fw, 0, sizeof(fw));
	fw.w = w;
	fw.fs = fs;
	fw.slot = slot;
	fw.part_off = off;
	fw.fstype = tsk_fs_type_toname(fs->ftype);
	fw.is_ntfs = TSK_FS_TYPE_ISNTFS(fs->ftype);
	fw.is_fat = TSK_FS_TYPE_ISFAT(fs->ftype);
	fw.local_times = fw.is_fat || TSK_FS_TYPE_ISISO9660(fs->ftype);
	if (fw.local_times)
		check_process_zone(w);
	fw.fs_bytes = (uint64_t)fs->block_count * fs->block_size;
	if (!fw.fstype)
		fw.fstype = "unknown";
	spoor_log(w->ctx, SPOOR_LOG_INFO, "'%s': %s at offset %" PRId64,
		  w->exhibit, fw.fstype, off);
	if (tsk_fs_dir_walk(fs, fs->root_inum,
			    TSK_FS_DIR_WALK_FLAG_ALLOC |
				    TSK_FS_DIR_WALK_FLAG_UNALLOC |
				    TSK_FS_DIR_WALK_FLAG_RECURSE,
			    dir_cb, &fw)) {
		if (fw.rc) {
			rc = fw.rc;
			if (rc == SPOOR_ESTOPPED)
				spoor_err_set(err, rc, 0, "interrupted");
		} else {
			/* libtsk gives up on a directory it cannot read;
			 * what was walked is reported, the rest counted */
			w->stats->walk_errors++;
			spoor_log(w->ctx, SPOOR_LOG_WARN,
				  "'%s': %s at offset %" PRId64
				  ": walk incomplete: %.*s", w->exhibit,
				  fw.fstype, off,
				  (int)strcspn(tsk_msg(), "\n"), tsk_msg());
			tsk_error_reset();
		}
	} else if (fw.rc) {
		rc = fw.rc;
	}
	if (!rc)
		w->stats->volumes++;
	sbuf_release(&fw.path);
	free(fw.runs);
	tsk_fs_close(fs);
	return rc;
}

static int walk_volumes(struct walk *w, TSK_IMG_INFO *img, TSK_VS_INFO *vs,
			struct spoor_err *err)
{
	bool found = false;

	for (TSK_PNUM_T i = 0; i < vs->part_count; i++) {
		const TSK_VS_PART_INFO *p = tsk_vs_part_get(vs, i);
		struct spoor_err perr;
		int rc;

		if (!p)
			continue;
		if (w->opts->partition >= 0 &&
		    (int64_t)p->addr != w->opts->partition)
			continue;
		found = true;
		if (!(p->flags & TSK_VS_PART_FLAG_ALLOC)) {
			if (w->opts->partition >= 0)
				return spoor_err_set(err, SPOOR_EINVAL, 0,
					"partition %" PRIuPNUM " is not a "
					"partition but '%s'", p->addr,
					p->desc ? p->desc : "?");
			continue;
		}
		spoor_err_clear(&perr);
		rc = walk_fs(w, img, (int64_t)p->addr,
			     (int64_t)p->start * vs->block_size, p->desc,
			     &perr);
		if (rc == SPOOR_ESTOPPED || rc == SPOOR_EOUTPUT ||
		    rc == SPOOR_ENOMEM || rc == SPOOR_EINVAL) {
			*err = perr;
			return rc;
		}
		if (rc) {
			/* not fatal: say so, count it, walk the others */
			w->stats->volumes_skipped++;
			spoor_log(w->ctx, SPOOR_LOG_WARN,
				  "'%s': %s; not walked%s", w->exhibit,
				  perr.msg, rc == SPOOR_EAMBIGUOUS
					? " (choose one with -f)" : "");
		}
	}
	if (!found && w->opts->partition >= 0)
		return spoor_err_set(err, SPOOR_ENOTFOUND, 0,
				     "'%s': no partition %" PRId64
				     " (see mmls)", w->exhibit,
				     w->opts->partition);
	return SPOOR_OK;
}

int walk_image(struct walk *w, const char *path, struct spoor_err *err)
{
	TSK_IMG_TYPE_ENUM itype = TSK_IMG_TYPE_DETECT;
	const char *const images[1] = { path };
	TSK_IMG_INFO *img;
	TSK_VS_INFO *vs = NULL;
	int rc;

	if (w->opts->img_type) {
		itype = tsk_img_type_toid(w->opts->img_type);
		if (itype == TSK_IMG_TYPE_UNSUPP)
			return spoor_err_set(err, SPOOR_EINVAL, 0,
				"unknown image type '%s' (see img_stat -i "
				"list)", w->opts->img_type);
	}
	img = tsk_img_open_utf8(1, images, itype, 0);
	if (!img) {
		char what[300];

		snprintf(what, sizeof(what), "cannot open image '%s'", path);
		tsk_err(err, SPOOR_EIO, what);
		return SPOOR_EIO;
	}
	if (w->opts->offset_sectors >= 0) {
		rc = walk_fs(w, img, -1,
			     w->opts->offset_sectors * img->sector_size,
			     NULL, err);
		goto out;
	}
	vs = tsk_vs_open(img, 0, TSK_VS_TYPE_DETECT);
	if (vs) {
		spoor_log(w->ctx, SPOOR_LOG_INFO, "'%s': %s volume system, "
			  "%" PRIuPNUM " entries", w->exhibit,
			  tsk_vs_type_todesc(vs->vstype), vs->part_count);
		rc = walk_volumes(w, img, vs, err);
		goto out;
	}
	tsk_error_reset();
	if (w->opts->partition >= 0) {
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0,
				   "'%s': no volume system, so no partition "
				   "%" PRId64, path, w->opts->partition);
		goto out;
	}
	rc = walk_fs(w, img, -1, 0, NULL, err);
	if (rc == SPOOR_EAMBIGUOUS) {
		/* a volume not walked, as in a partition table: said and
		 * counted (exit 5), and -f chooses */
		w->stats->volumes_skipped++;
		spoor_log(w->ctx, SPOOR_LOG_WARN, "'%s': %s; not walked "
			  "(choose one with -f)", w->exhibit, err->msg);
		spoor_err_clear(err);
		rc = SPOOR_OK;
	} else if (rc == SPOOR_EFORMAT)
		spoor_err_set(err, SPOOR_EFORMAT, 0,
			      "'%s': no volume system or file system "
			      "recognised", path);
out:
	if (vs)
		tsk_vs_close(vs);
	tsk_img_close(img);
	return rc;
}
