/*
 * filerec.c: the record of a file (the JSONL/CSV fields of spoor-files)
 * and the names of file types and recovery states.
 */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>

#include "banned.h"

const char *spoor_file_type_name(enum spoor_file_type t)
{
	static const char *const names[] = {
		[SPOOR_FT_UNKNOWN] = "unknown",
		[SPOOR_FT_FILE] = "file",
		[SPOOR_FT_DIR] = "dir",
		[SPOOR_FT_LINK] = "link",
		[SPOOR_FT_FIFO] = "fifo",
		[SPOOR_FT_SOCKET] = "socket",
		[SPOOR_FT_CHARDEV] = "chardev",
		[SPOOR_FT_BLOCKDEV] = "blockdev",
		[SPOOR_FT_VIRTUAL] = "virtual",
		[SPOOR_FT_VIRTUAL_DIR] = "virtual-dir",
		[SPOOR_FT_WHITEOUT] = "whiteout",
		[SPOOR_FT_SHADOW] = "shadow",
	};

	return (unsigned)t < ARRAY_SIZE(names) ? names[t] : "unknown";
}

const char *spoor_recovery_name(enum spoor_recovery r)
{
	switch (r) {
	case SPOOR_REC_HEURISTIC: return "heuristic";
	case SPOOR_REC_REALLOC: return "realloc";
	case SPOOR_REC_NO_META: return "no-metadata";
	default: return NULL;
	}
}

static void digest_field(struct spoor_record *r, const char *key,
			 const struct spoor_file *f, unsigned alg, char *hex)
{
	const unsigned char *d = f->hashed ? spoor_digest_get(&f->digests,
							      alg) : NULL;

	if (!d) {
		spoor_record_null(r, key);
		return;
	}
	spoor_hex(d, spoor_hash_len(alg), hex);
	spoor_record_str(r, key, hex);
}

void spoor_file_record(const struct spoor_file *f, struct spoor_record *r,
		       struct spoor_file_recbuf *buf)
{
	const char *rec = spoor_recovery_name(f->recovery);

	spoor_record_init(r, "file");
	spoor_record_str(r, "exhibit", f->exhibit);
	if (f->partition >= 0)
		spoor_record_int(r, "partition", f->partition);
	else
		spoor_record_null(r, "partition");
	if (f->partition_offset >= 0)
		spoor_record_int(r, "partition_offset", f->partition_offset);
	else
		spoor_record_null(r, "partition_offset");
	spoor_record_str(r, "fstype", f->fstype);
	spoor_record_bytes(r, "path", f->path, f->path_len);
	spoor_record_bytes(r, "name", f->name, f->name_len);
	spoor_record_str(r, "type", spoor_file_type_name(f->type));
	if (f->has_inode)
		spoor_record_uint(r, "inode", f->inode);
	else
		spoor_record_null(r, "inode");
	if (f->has_attr) {
		snprintf(buf->attr, sizeof(buf->attr), "%" PRIu32 "-%u",
			 f->attr_type, (unsigned)f->attr_id);
		spoor_record_str(r, "attr", buf->attr);
	}
	if (f->stream)
		spoor_record_str(r, "stream", f->stream);
	spoor_record_bool(r, "allocated", f->allocated);
	spoor_record_bool(r, "orphan", f->orphan);
	spoor_record_uint(r, "size", f->size);
	spoor_record_time(r, "mtime", &f->mtime);
	spoor_record_time(r, "atime", &f->atime);
	spoor_record_time(r, "ctime", &f->ctime);
	spoor_record_time(r, "crtime", &f->crtime);
	if (f->fs_time_zone) {
		spoor_record_str(r, "fs_time_zone", f->fs_time_zone);
		if (f->fs_time_flags[0])
			spoor_record_str(r, "fs_time_flags",
					 f->fs_time_flags);
	}
	digest_field(r, "md5", f, SPOOR_MD5, buf->hex[0]);
	digest_field(r, "sha1", f, SPOOR_SHA1, buf->hex[1]);
	digest_field(r, "sha256", f, SPOOR_SHA256, buf->hex[2]);
	if (f->hashed && (f->digests.mask & SPOOR_SHA512))
		digest_field(r, "sha512", f, SPOOR_SHA512, buf->hex[3]);
	if (f->typed) {
		spoor_record_str(r, "mime", f->ftype.mime);
		spoor_record_str(r, "magic", f->ftype.magic);
		spoor_record_str(r, "category",
				 spoor_category_name(f->ftype.category));
		spoor_record_bool(r, "ext_mismatch", f->ftype.ext_mismatch);
	} else {
		spoor_record_null(r, "mime");
		spoor_record_null(r, "magic");
		spoor_record_null(r, "category");
		spoor_record_bool(r, "ext_mismatch", false);
	}
	if (f->has_pdq) {
		spoor_pdq_hex(f->pdq.hash, buf->pdq);
		spoor_record_str(r, "pdq", buf->pdq);
		spoor_record_int(r, "pdq_quality", f->pdq.quality);
	} else if (f->pdq_error) {
		spoor_record_null(r, "pdq");
		spoor_record_null(r, "pdq_quality");
		spoor_record_str(r, "pdq_error", f->pdq_error);
	}
	if (rec)
		spoor_record_str(r, "recovery", rec);
	if (f->error)
		spoor_record_str(r, "error", f->error);
	if (f->uninitialised)
		spoor_record_bool(r, "uninitialised", true);
	if (f->link_target)
		spoor_record_str(r, "link_target", f->link_target);
	if (f->has_mode) {
		spoor_record_str(r, "mode", f->mode);
		spoor_record_uint(r, "uid", f->uid);
		spoor_record_uint(r, "gid", f->gid);
	}
}
