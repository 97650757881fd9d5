/*
 * devinfo.c: facts about an acquisition source (size, sector sizes,
 * identity, mounted, read-only) and the check that an output does not
 * land on the source.
 */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/hdreg.h>

#include "banned.h"

/* Read a one-line sysfs attribute, trimmed; "" when absent. */
static void sysfs_read(const char *dir, const char *attr, char *out,
		       size_t size)
{
	char path[PATH_MAX];
	FILE *f;
	size_t n;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	f = fopen(path, "re");
	if (!f)
		return;
	if (!fgets(out, (int)size, f))
		out[0] = '\0';
	fclose(f);
	n = strlen(out);
	while (n && isspace((unsigned char)out[n - 1]))
		out[--n] = '\0';
	while (out[0] && isspace((unsigned char)out[0]))
		memmove(out, out + 1, n--);
}

/* ATA strings are space padded; copy n bytes trimmed. */
static void ata_str(char *out, size_t size, const unsigned char *p, size_t n)
{
	size_t b = 0, e = n;

	while (b < e && (p[b] == ' ' || !p[b]))
		b++;
	while (e > b && (p[e - 1] == ' ' || !p[e - 1]))
		e--;
	if (e - b >= size)
		e = b + size - 1;
	memcpy(out, p + b, e - b);
	out[e - b] = '\0';
}

/* The sysfs directory of a block device, "/sys/dev/block/M:m". */
static void sysfs_dir(uint64_t rdev, char *out, size_t size)
{
	snprintf(out, size, "/sys/dev/block/%u:%u", major(rdev),
		 minor(rdev));
}

/* The whole-disk device a partition belongs to (itself if a disk). */
static uint64_t whole_disk(uint64_t rdev)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], buf[32];
	unsigned ma, mi;
	struct stat st;

	sysfs_dir(rdev, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/partition", dir);
	if (stat(path, &st))
		return rdev;
	snprintf(path, sizeof(path), "%s/..", dir);
	sysfs_read(path, "dev", buf, sizeof(buf));
	if (sscanf(buf, "%u:%u", &ma, &mi) != 2)
		return rdev;
	return makedev(ma, mi);
}

static void mount_check(struct spoor_devinfo *d)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	uint64_t disk = whole_disk(d->st_rdev);

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned ma, mi;
		char mnt[1024];
		uint64_t dev;

		/* id parent major:minor root mountpoint ... */
		if (sscanf(line, "%*u %*u %u:%u %*s %1023s", &ma, &mi,
			   mnt) != 3)
			continue;
		dev = makedev(ma, mi);
		if (dev == d->st_rdev || (dev && whole_disk(dev) == disk &&
					  disk == d->st_rdev)) {
			d->mounted = true;
			spoor_strlcpy(d->mountpoint, mnt,
				      sizeof(d->mountpoint));
			break;
		}
	}
	fclose(f);
}

int spoor_devinfo_get(const char *path, struct spoor_devinfo *d,
		      struct spoor_err *err)
{
	struct stat st;
	int fd;

	memset(d, 0, sizeof(*d));
	d->removable = d->readonly = -1;
	d->logical_sector = d->physical_sector = 512;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return spoor_err_set(err, SPOOR_EIO, errno,
				     "cannot open '%s'", path);
	if (fstat(fd, &st)) {
		int e = errno;

		close(fd);
		return spoor_err_set(err, SPOOR_EIO, e, "cannot stat '%s'",
				     path);
	}
	d->st_dev = st.st_dev;
	d->st_ino = st.st_ino;
	d->st_rdev = st.st_rdev;
	if (S_ISREG(st.st_mode)) {
		d->size = (uint64_t)st.st_size;
		close(fd);
		return 0;
	}
	if (!S_ISBLK(st.st_mode)) {
		close(fd);
		return spoor_err_set(err, SPOOR_EUNSUPPORTED, 0,
				     "'%s' is neither a block device nor "
				     "a regular file", path);
	}
	d->is_blockdev = true;
	{
		uint64_t sz = 0;
		int ls = 0, ro = 0;
		unsigned int ps = 0;
		struct hd_driveid id;
		char dir[PATH_MAX], dev[PATH_MAX + 16], buf[64], link[PATH_MAX];
		ssize_t n;

		if (!ioctl(fd, BLKGETSIZE64, &sz))
			d->size = sz;
		if (!ioctl(fd, BLKSSZGET, &ls) && ls > 0)
			d->logical_sector = (uint32_t)ls;
		if (!ioctl(fd, BLKPBSZGET, &ps) && ps > 0)
			d->physical_sector = ps;
		if (!ioctl(fd, BLKROGET, &ro))
			d->readonly = ro != 0;
		/* Old IDE/libata ioctl: absent on most modern devices. */
		if (!ioctl(fd, HDIO_GET_IDENTITY, &id)) {
			ata_str(d->model, sizeof(d->model), id.model,
				sizeof(id.model));
			ata_str(d->serial, sizeof(d->serial), id.serial_no,
				sizeof(id.serial_no));
			ata_str(d->firmware, sizeof(d->firmware), id.fw_rev,
				sizeof(id.fw_rev));
		}
		sysfs_dir(d->st_rdev, dir, sizeof(dir));
		n = readlink(dir, link, sizeof(link) - 1);
		if (n > 0) {
			const char *b;

			link[n] = '\0';
			b = strrchr(link, '/');
			spoor_strlcpy(d->sysname, b ? b + 1 : link,
				      sizeof(d->sysname));
		}
		/* identity lives on the whole disk */
		sysfs_dir(whole_disk(d->st_rdev), dir, sizeof(dir));
		snprintf(dev, sizeof(dev), "%s/device", dir);
		if (!d->model[0])
			sysfs_read(dev, "model", d->model, sizeof(d->model));
		if (!d->serial[0])
			sysfs_read(dev, "serial", d->serial,
				   sizeof(d->serial));
		if (!d->serial[0])
			sysfs_read(dir, "serial", d->serial,
				   sizeof(d->serial));
		if (!d->firmware[0])
			sysfs_read(dev, "rev", d->firmware,
				   sizeof(d->firmware));
		if (!d->firmware[0])
			sysfs_read(dev, "firmware_rev", d->firmware,
				   sizeof(d->firmware));
		sysfs_read(dev, "vendor", d->vendor, sizeof(d->vendor));
		sysfs_read(dir, "removable", buf, sizeof(buf));
		if (buf[0])
			d->removable = buf[0] == '1';
	}
	close(fd);
	mount_check(d);
	return 0;
}

int spoor_dev_set_readonly(const char *path, struct spoor_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), one = 1;

	if (fd < 0)
		return spoor_err_set(err, SPOOR_EIO, errno,
				     "cannot open '%s'", path);
	if (ioctl(fd, BLKROSET, &one)) {
		int e = errno;

		close(fd);
		return spoor_err_set(err, SPOOR_EUNSUPPORTED, e,
				     "cannot set '%s' read-only", path);
	}
	close(fd);
	return 0;
}

/* Whether block device `a` is `b`, a partition of it, or its disk. */
static bool same_disk(uint64_t a, uint64_t b)
{
	return a == b || whole_disk(a) == b || whole_disk(b) == a ||
	       whole_disk(a) == whole_disk(b);
}

/* Whether device `dev` is held by (stacked on) `src`: dm, md, loop. */
static bool holds(uint64_t src, uint64_t dev)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];

	/* a loop device backed by a file on the source is covered by the
	 * st_dev check; here: /sys/dev/block/DEV/slaves/ names the source */
	sysfs_dir(dev, dir, sizeof(dir));
	for (int i = 0; i < 2; i++) {
		uint64_t s = i ? whole_disk(src) : src;
		char name[64] = "";
		char sdir[PATH_MAX], lnk[PATH_MAX];
		ssize_t n;
		const char *b;

		sysfs_dir(s, sdir, sizeof(sdir));
		n = readlink(sdir, lnk, sizeof(lnk) - 1);
		if (n <= 0)
			continue;
		lnk[n] = '\0';
		b = strrchr(lnk, '/');
		spoor_strlcpy(name, b ? b + 1 : lnk, sizeof(name));
		snprintf(path, sizeof(path), "%s/slaves/%s", dir, name);
		if (!access(path, F_OK))
			return true;
	}
	return false;
}

int spoor_output_on_source(const struct spoor_devinfo *src,
			   const char *output, struct spoor_err *err)
{
	struct stat st;
	char dir[PATH_MAX];
	const char *slash;

	if (!stat(output, &st)) {
		if (!src->is_blockdev && st.st_dev == src->st_dev &&
		    st.st_ino == src->st_ino)
			goto refuse;
		if (src->is_blockdev && S_ISBLK(st.st_mode) &&
		    (same_disk(st.st_rdev, src->st_rdev) ||
		     holds(src->st_rdev, st.st_rdev)))
			goto refuse;
	}
	/* the directory the output goes to: its file system's device */
	slash = strrchr(output, '/');
	if (!slash)
		spoor_strlcpy(dir, ".", sizeof(dir));
	else if (slash == output)
		spoor_strlcpy(dir, "/", sizeof(dir));
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - output),
			 output);
	if (stat(dir, &st))
		return 0;	/* the writer reports a missing directory */
	if (src->is_blockdev && (same_disk(st.st_dev, src->st_rdev) ||
				 holds(src->st_rdev, st.st_dev)))
		goto refuse;
	return 0;
refuse:
	return spoor_err_set(err, SPOOR_EINVAL, 0,
			     "refusing to write '%s' onto the source", output);
}
