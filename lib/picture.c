/*
 * picture.c: decode a picture (a whole file in memory) into luminance
 * and hash it with PDQ (pdq.c).
 *
 * Each format goes through its maintained library: libjpeg-turbo
 * (scaled DCT decode straight to the Y channel), libpng, giflib (first
 * frame), libwebp (scaled decode; the first frame of an animation via
 * libwebpdemux), libheif, libtiff.  BMP has no such library in Debian:
 * a strict reader of the uncompressed forms is here.
 *
 * Decoded rows are averaged down by an integer factor on the fly (the
 * hashing document advises reducing large pictures before the Jarosz
 * filter), so no full-size luminance picture is ever held, only the
 * decoder's own buffers.  Every declared size is checked against
 * SPOOR_PDQ_MAX_SIDE and the pixel cap before anything is allocated.
 */
#include "internal.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <gif_lib.h>
#include <jpeglib.h>
#include <jerror.h>
#include <libheif/heif.h>
#include <png.h>
#include <tiffio.h>
#include <webp/decode.h>
#include <webp/demux.h>

#include "banned.h"

#define DEFAULT_MIN_SIDE 256
#define JPEG_MAX_MEMORY ((long)256 << 20)
#define JPEG_MAX_SCANS 500	/* progressive JPEG scan bomb */
#define PNG_CHUNK_MAX ((png_alloc_size_t)8 << 20)
#define TIFF_MAX_ALLOC ((tmsize_t)256 << 20)

/* ---- averaging rows down ---- */

struct reducer {
	size_t W, H;		/* the decoded size fed in */
	size_t k;		/* averaging factor */
	size_t w, h;		/* the output size */
	size_t rows;		/* rows fed so far */
	float *out;		/* w * h */
	double *acc;		/* w column sums of the current block */
	float *row;		/* W luminance values, for the feeders */
};

static void red_free(struct reducer *r)
{
	free(r->out);
	free(r->acc);
	free(r->row);
	memset(r, 0, sizeof(*r));
}

static int red_init(struct reducer *r, size_t W, size_t H, uint32_t min_side,
		    struct spoor_err *err)
{
	size_t shorter = MIN(W, H);

	memset(r, 0, sizeof(*r));
	if (!W || !H)
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "empty picture");
	r->W = W;
	r->H = H;
	r->k = min_side == UINT32_MAX ? 1 : MAX(1, shorter / min_side);
	r->w = (W + r->k - 1) / r->k;
	r->h = (H + r->k - 1) / r->k;
	r->out = calloc(r->w * r->h, sizeof(float));
	r->acc = calloc(r->w, sizeof(double));
	r->row = calloc(W, sizeof(float));
	if (!r->out || !r->acc || !r->row) {
		red_free(r);
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	}
	return SPOOR_OK;
}

/* Feed r->row (W luminance values) as the next row. */
static void red_feed(struct reducer *r)
{
	size_t y, rows_in_block;

	if (r->rows >= r->H)
		return;
	for (size_t x = 0; x < r->W; x++)
		r->acc[x / r->k] += r->row[x];
	r->rows++;
	if (r->rows % r->k && r->rows != r->H)
		return;
	y = (r->rows - 1) / r->k;
	rows_in_block = r->rows - y * r->k;
	for (size_t j = 0; j < r->w; j++) {
		size_t cols = MIN(r->k, r->W - j * r->k);

		r->out[y * r->w + j] = (float)(r->acc[j] /
					       (double)(cols * rows_in_block));
		r->acc[j] = 0;
	}
}

/* The luminance of the hashing document, from 8-bit RGB. */
static inline float luma(unsigned r, unsigned g, unsigned b)
{
	return 0.299f * (float)r + 0.587f * (float)g + 0.114f * (float)b;
}

/* Feed a row of 8-bit samples, `ch` per pixel: 1 or 2 (gray, gray +
 * alpha), 3 or 4 (RGB, RGBA); alpha is ignored. */
static void red_feed8(struct reducer *r, const unsigned char *p, int ch)
{
	for (size_t x = 0; x < r->W; x++, p += ch)
		r->row[x] = ch < 3 ? (float)p[0] : luma(p[0], p[1], p[2]);
	red_feed(r);
}

static int red_hash(struct reducer *r, struct spoor_pdq *out,
		    unsigned char dih[][SPOOR_PDQ_BYTES],
		    struct spoor_err *err)
{
	if (r->rows != r->H)
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "picture ends "
				     "after %zu of %zu rows", r->rows, r->H);
	return spoor_pdq_luma(r->out, r->w, r->h, out, dih, err);
}

static int check_size(uint64_t w, uint64_t h, const struct spoor_pdq_opts *o,
		      struct spoor_err *err)
{
	if (!w || !h)
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "picture of "
				     "%llux%llu pixels", (unsigned long long)w,
				     (unsigned long long)h);
	if (w > SPOOR_PDQ_MAX_SIDE || h > SPOOR_PDQ_MAX_SIDE ||
	    w * h > o->max_pixels)
		return spoor_err_set(err, SPOOR_ELIMIT, 0, "declared size "
				     "%llux%llu is over the limit of %llu "
				     "pixels (not decoded)",
				     (unsigned long long)w,
				     (unsigned long long)h,
				     (unsigned long long)o->max_pixels);
	return SPOOR_OK;
}

/* ---- JPEG (libjpeg-turbo) ---- */

struct jpeg_state {
	struct jpeg_decompress_struct cinfo;
	struct jpeg_error_mgr jerr;
	struct jpeg_progress_mgr prog;
	jmp_buf jb;
	char msg[JMSG_LENGTH_MAX];
	bool failed;
	unsigned scale;
	struct reducer red;
	unsigned char *line;
};

static void jpeg_fail(j_common_ptr c)
{
	struct jpeg_state *s = (struct jpeg_state *)c->client_data;

	c->err->format_message(c, s->msg);
	longjmp(s->jb, 1);
}

/*
 * A corrupt-data warning makes the picture undecodable for us: a hash of
 * a half-grey picture would be confidently wrong.  Warnings about bytes
 * around the pixels (stray bytes before a marker, as many cameras write,
 * a bad ICC profile, an unknown JFIF or Adobe version, SOS parameters
 * that libjpeg reads anyway) leave the pixels as they are.
 */
static void jpeg_warn(j_common_ptr c, int level)
{
	if (level >= 0)
		return;
	switch (c->err->msg_code) {
	case JWRN_EXTRANEOUS_DATA:
	case JWRN_BOGUS_ICC:
	case JWRN_JFIF_MAJOR:
	case JWRN_ADOBE_XFORM:
	case JWRN_NOT_SEQUENTIAL:
		return;
	default:
		jpeg_fail(c);
	}
}

static void jpeg_progress(j_common_ptr c)
{
	struct jpeg_state *s = (struct jpeg_state *)c->client_data;

	if (s->cinfo.input_scan_number > JPEG_MAX_SCANS) {
		snprintf(s->msg, sizeof(s->msg), "more than %d scans",
			 JPEG_MAX_SCANS);
		longjmp(s->jb, 1);
	}
}

static int jpeg_hash(struct jpeg_state *s, const void *buf, size_t len,
		     const struct spoor_pdq_opts *o, struct spoor_pdq *out,
		     unsigned char dih[][SPOOR_PDQ_BYTES],
		     struct spoor_pdq_info *info, struct spoor_err *err)
{
	struct jpeg_decompress_struct *c = &s->cinfo;
	int rc;

	c->err = jpeg_std_error(&s->jerr);
	s->jerr.error_exit = jpeg_fail;
	s->jerr.emit_message = jpeg_warn;
	c->client_data = s;
	if (setjmp(s->jb)) {
		s->failed = true;
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "JPEG: %s",
				     s->msg);
	}
	jpeg_create_decompress(c);
	c->mem->max_memory_to_use = JPEG_MAX_MEMORY;
	s->prog.progress_monitor = jpeg_progress;
	c->progress = &s->prog;
	jpeg_mem_src(c, buf, (unsigned long)len);
	jpeg_read_header(c, TRUE);
	info->width = c->image_width;
	info->height = c->image_height;
	rc = check_size(c->image_width, c->image_height, o, err);
	if (rc)
		return rc;
	if (c->jpeg_color_space == JCS_CMYK || c->jpeg_color_space == JCS_YCCK)
		return spoor_err_set(err, SPOOR_EUNSUPPORTED, 0,
				     "CMYK JPEG is not decoded");
	/* YCbCr's Y is the document's luminance: no colour work at all */
	c->out_color_space = JCS_GRAYSCALE;
	s->scale = 1;
	while (s->scale < 8 && o->min_side != UINT32_MAX &&
	       MIN(c->image_width, c->image_height) / (s->scale * 2) >=
	       o->min_side)
		s->scale *= 2;
	c->scale_num = 1;
	c->scale_denom = s->scale;
	info->scale = s->scale;
	jpeg_start_decompress(c);
	if (c->output_components != 1)
		return spoor_err_set(err, SPOOR_EINTERNAL, 0, "JPEG: %d "
				     "components", c->output_components);
	rc = red_init(&s->red, c->output_width, c->output_height, o->min_side,
		      err);
	if (rc)
		return rc;
	info->scale *= (uint32_t)s->red.k;
	s->line = malloc(c->output_width);
	if (!s->line)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	while (c->output_scanline < c->output_height) {
		JSAMPROW row = s->line;

		if (jpeg_read_scanlines(c, &row, 1) != 1)
			break;
		red_feed8(&s->red, s->line, 1);
	}
	jpeg_finish_decompress(c);
	return red_hash(&s->red, out, dih, err);
}

static int pic_jpeg(const void *buf, size_t len,
		    const struct spoor_pdq_opts *o, struct spoor_pdq *out,
		    unsigned char dih[][SPOOR_PDQ_BYTES],
		    struct spoor_pdq_info *info, struct spoor_err *err)
{
	struct jpeg_state *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	rc = jpeg_hash(s, buf, len, o, out, dih, info, err);
	jpeg_destroy_decompress(&s->cinfo);
	red_free(&s->red);
	free(s->line);
	free(s);
	return rc;
}

/* ---- PNG (libpng) ---- */

struct png_state {
	const unsigned char *p;
	size_t len, off;
	char msg[200];
	struct reducer red;
	unsigned char *rows;	/* the whole picture (interlaced) or a row */
};

static void png_read_mem(png_structp png, png_bytep out, size_t n)
{
	struct png_state *s = png_get_io_ptr(png);

	if (n > s->len - s->off)
		png_error(png, "truncated");
	memcpy(out, s->p + s->off, n);
	s->off += n;
}

static void png_fail(png_structp png, png_const_charp msg)
{
	struct png_state *s = png_get_error_ptr(png);

	snprintf(s->msg, sizeof(s->msg), "%s", msg);
	png_longjmp(png, 1);
}

static void png_quiet(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/* Rows of a non-interlaced PNG go straight to the reducer; an
 * interlaced one is whole only after its last pass. */
static int png_decode(png_structp png, png_infop pi, struct png_state *s,
		      const struct spoor_pdq_opts *o, struct spoor_pdq *out,
		      unsigned char dih[][SPOOR_PDQ_BYTES],
		      struct spoor_pdq_info *info, struct spoor_err *err)
{
	png_uint_32 w, h;
	int depth, color, interlace, passes, ch, rc;
	size_t rowbytes;
	bool whole;

	png_set_user_limits(png, SPOOR_PDQ_MAX_SIDE, SPOOR_PDQ_MAX_SIDE);
	png_set_chunk_malloc_max(png, PNG_CHUNK_MAX);
	png_set_read_fn(png, s, png_read_mem);
	png_read_info(png, pi);
	png_get_IHDR(png, pi, &w, &h, &depth, &color, &interlace, NULL, NULL);
	info->width = w;
	info->height = h;
	info->scale = 1;
	rc = check_size(w, h, o, err);
	if (rc)
		return rc;
	if (color == PNG_COLOR_TYPE_PALETTE)
		png_set_palette_to_rgb(png);
	if (color == PNG_COLOR_TYPE_GRAY && depth < 8)
		png_set_expand_gray_1_2_4_to_8(png);
	if (depth == 16)
		png_set_strip_16(png);
	passes = png_set_interlace_handling(png);
	whole = passes > 1;
	png_read_update_info(png, pi);
	ch = png_get_channels(png, pi);
	rowbytes = png_get_rowbytes(png, pi);
	if (ch < 1 || ch > 4 || rowbytes != (size_t)w * (size_t)ch)
		return spoor_err_set(err, SPOOR_EUNSUPPORTED, 0, "PNG: "
				     "%d channels", ch);
	rc = red_init(&s->red, w, h, o->min_side, err);
	if (rc)
		return rc;
	info->scale = (uint32_t)s->red.k;
	s->rows = calloc(whole ? h : 1, rowbytes);
	if (!s->rows)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	for (int p = 0; p < passes; p++)
		for (png_uint_32 y = 0; y < h; y++) {
			png_read_row(png, s->rows + (whole ? y : 0) *
				     rowbytes, NULL);
			if (!whole)
				red_feed8(&s->red, s->rows, ch);
		}
	for (png_uint_32 y = 0; whole && y < h; y++)
		red_feed8(&s->red, s->rows + y * rowbytes, ch);
	return red_hash(&s->red, out, dih, err);
}

static int pic_png(const void *buf, size_t len,
		   const struct spoor_pdq_opts *o, struct spoor_pdq *out,
		   unsigned char dih[][SPOOR_PDQ_BYTES],
		   struct spoor_pdq_info *info, struct spoor_err *err)
{
	struct png_state *s = calloc(1, sizeof(*s));
	png_structp png = NULL;
	png_infop pi = NULL;
	int rc;

	if (!s)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	s->p = buf;
	s->len = len;
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, s, png_fail,
				     png_quiet);
	pi = png ? png_create_info_struct(png) : NULL;
	if (!pi) {
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	} else if (setjmp(png_jmpbuf(png))) {
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "PNG: %s", s->msg);
	} else {
		rc = png_decode(png, pi, s, o, out, dih, info, err);
	}
	png_destroy_read_struct(&png, pi ? &pi : NULL, NULL);
	red_free(&s->red);
	free(s->rows);
	free(s);
	return rc;
}

/* ---- GIF (giflib): the first frame on its canvas ---- */

struct gif_mem {
	const unsigned char *p;
	size_t len, off;
};

static int gif_read_mem(GifFileType *g, GifByteType *out, int n)
{
	struct gif_mem *m = g->UserData;
	size_t k = n < 0 ? 0 : MIN((size_t)n, m->len - m->off);

	memcpy(out, m->p + m->off, k);
	m->off += k;
	return (int)k;
}

static float gif_luma(const ColorMapObject *cm, int idx)
{
	const GifColorType *c;

	if (!cm || idx < 0 || idx >= cm->ColorCount)
		return 0;
	c = &cm->Colors[idx];
	return luma(c->Red, c->Green, c->Blue);
}

/* Skip extension blocks; true when another picture follows. */
static bool gif_more_frames(GifFileType *g)
{
	GifRecordType t;

	for (int n = 0; n < 4096; n++) {
		GifByteType *ext;
		int code;

		if (DGifGetRecordType(g, &t) != GIF_OK)
			return false;
		if (t == IMAGE_DESC_RECORD_TYPE)
			return true;
		if (t != EXTENSION_RECORD_TYPE)
			return false;
		if (DGifGetExtension(g, &code, &ext) != GIF_OK)
			return false;
		while (ext)
			if (DGifGetExtensionNext(g, &ext) != GIF_OK)
				return false;
	}
	return false;
}

static int gif_frame(GifFileType *g, const struct spoor_pdq_opts *o,
		     struct spoor_pdq *out,
		     unsigned char dih[][SPOOR_PDQ_BYTES],
		     struct spoor_pdq_info *info, struct spoor_err *err)
{
	static const int start[4] = { 0, 4, 2, 1 }, step[4] = { 8, 8, 4, 2 };
	size_t W = (size_t)g->SWidth, H = (size_t)g->SHeight, fw, fh, l, t;
	const ColorMapObject *cm;
	unsigned char *canvas = NULL;
	struct reducer red = { 0 };
	float bg;
	int rc;

	info->width = (uint32_t)W;
	info->height = (uint32_t)H;
	info->scale = 1;
	if (!gif_more_frames(g))
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "GIF without a "
				     "picture");
	if (DGifGetImageDesc(g) != GIF_OK)
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "GIF: %s",
				     GifErrorString(g->Error));
	/* a frame larger than the screen: the frame is the picture */
	fw = (size_t)g->Image.Width;
	fh = (size_t)g->Image.Height;
	l = (size_t)g->Image.Left;
	t = (size_t)g->Image.Top;
	if (l + fw > W || t + fh > H) {
		W = fw;
		H = fh;
		l = t = 0;
	}
	rc = check_size(W, H, o, err);
	if (!rc)
		rc = check_size(fw, fh, o, err);
	if (rc)
		return rc;
	cm = g->Image.ColorMap ? g->Image.ColorMap : g->SColorMap;
	bg = gif_luma(g->SColorMap, g->SBackGroundColor);
	canvas = malloc(fw * fh);
	if (!canvas) {
		rc = spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
		goto done;
	}
	for (int pass = 0; pass < (g->Image.Interlace ? 4 : 1); pass++)
		for (size_t y = g->Image.Interlace ? (size_t)start[pass] : 0;
		     y < fh; y += g->Image.Interlace ? (size_t)step[pass] : 1)
			if (DGifGetLine(g, canvas + y * fw, (int)fw) !=
			    GIF_OK) {
				rc = spoor_err_set(err, SPOOR_EFORMAT, 0,
						   "GIF: %s",
						   GifErrorString(g->Error));
				goto done;
			}
	info->frames = gif_more_frames(g) ? 2 : 1;
	rc = red_init(&red, W, H, o->min_side, err);
	if (rc)
		goto done;
	info->scale = (uint32_t)red.k;
	for (size_t y = 0; y < H; y++) {
		for (size_t x = 0; x < W; x++)
			red.row[x] = y >= t && y < t + fh && x >= l &&
				     x < l + fw ?
				     gif_luma(cm, canvas[(y - t) * fw + x - l])
				     : bg;
		red_feed(&red);
	}
	rc = red_hash(&red, out, dih, err);
done:
	red_free(&red);
	free(canvas);
	return rc;
}

static int pic_gif(const void *buf, size_t len,
		   const struct spoor_pdq_opts *o, struct spoor_pdq *out,
		   unsigned char dih[][SPOOR_PDQ_BYTES],
		   struct spoor_pdq_info *info, struct spoor_err *err)
{
	struct gif_mem m = { buf, len, 0 };
	int e = 0, rc;
	GifFileType *g = DGifOpen(&m, gif_read_mem, &e);

	if (!g)
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "GIF: %s",
				     GifErrorString(e));
	rc = gif_frame(g, o, out, dih, info, err);
	DGifCloseFile(g, &e);
	return rc;
}

/* ---- WebP (libwebp, libwebpdemux) ---- */

static int webp_rows(const unsigned char *px, size_t w, size_t h,
		     size_t stride, int ch, const struct spoor_pdq_opts *o,
		     struct spoor_pdq *out,
		     unsigned char dih[][SPOOR_PDQ_BYTES],
		     struct spoor_pdq_info *info, struct spoor_err *err)
{
	struct reducer red;
	int rc = red_init(&red, w, h, o->min_side, err);

	if (rc)
		return rc;
	info->scale *= (uint32_t)red.k;
	for (size_t y = 0; y < h; y++)
		red_feed8(&red, px + y * stride, ch);
	rc = red_hash(&red, out, dih, err);
	red_free(&red);
	return rc;
}

static int webp_first_frame(const void *buf, size_t len,
			    const struct spoor_pdq_opts *o,
			    struct spoor_pdq *out,
			    unsigned char dih[][SPOOR_PDQ_BYTES],
			    struct spoor_pdq_info *info,
			    struct spoor_err *err)
{
	WebPData data = { buf, len };
	WebPAnimDecoderOptions ao;
	WebPAnimDecoder *dec;
	WebPAnimInfo ai;
	uint8_t *px;
	int ts, rc;

	if (!WebPAnimDecoderOptionsInit(&ao))
		return spoor_err_set(err, SPOOR_EINTERNAL, 0, "libwebp");
	ao.color_mode = MODE_RGBA;
	ao.use_threads = 0;
	dec = WebPAnimDecoderNew(&data, &ao);
	if (!dec)
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "WebP: animation "
				     "does not decode");
	if (!WebPAnimDecoderGetInfo(dec, &ai)) {
		WebPAnimDecoderDelete(dec);
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "WebP: animation "
				     "without a canvas");
	}
	info->frames = ai.frame_count > 1 ? 2 : 1;
	rc = check_size(ai.canvas_width, ai.canvas_height, o, err);
	if (!rc && !WebPAnimDecoderGetNext(dec, &px, &ts))
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "WebP: first frame "
				   "does not decode");
	if (!rc)
		rc = webp_rows(px, ai.canvas_width, ai.canvas_height,
			       (size_t)ai.canvas_width * 4, 4, o, out, dih,
			       info, err);
	WebPAnimDecoderDelete(dec);
	return rc;
}

static int pic_webp(const void *buf, size_t len,
		    const struct spoor_pdq_opts *o, struct spoor_pdq *out,
		    unsigned char dih[][SPOOR_PDQ_BYTES],
		    struct spoor_pdq_info *info, struct spoor_err *err)
{
	WebPDecoderConfig cfg;
	int rc, s = 1;

	if (!WebPInitDecoderConfig(&cfg))
		return spoor_err_set(err, SPOOR_EINTERNAL, 0, "libwebp");
	if (WebPGetFeatures(buf, len, &cfg.input) != VP8_STATUS_OK)
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "WebP: bad header");
	info->width = (uint32_t)cfg.input.width;
	info->height = (uint32_t)cfg.input.height;
	info->scale = 1;
	rc = check_size(info->width, info->height, o, err);
	if (rc)
		return rc;
	if (cfg.input.has_animation)
		return webp_first_frame(buf, len, o, out, dih, info, err);
	while (o->min_side != UINT32_MAX && s < 8 &&
	       MIN(info->width, info->height) / (uint32_t)(s * 2) >=
	       o->min_side)
		s *= 2;
	if (s > 1) {
		cfg.options.use_scaling = 1;
		cfg.options.scaled_width = (int)info->width / s;
		cfg.options.scaled_height = (int)info->height / s;
	}
	info->scale = (uint32_t)s;
	cfg.output.colorspace = MODE_RGB;
	if (WebPDecode(buf, len, &cfg) != VP8_STATUS_OK)
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "WebP: does not "
				     "decode");
	rc = webp_rows(cfg.output.u.RGBA.rgba, (size_t)cfg.output.width,
		       (size_t)cfg.output.height,
		       (size_t)cfg.output.u.RGBA.stride, 3, o, out, dih, info,
		       err);
	WebPFreeDecBuffer(&cfg.output);
	return rc;
}

/* ---- HEIF/HEIC (libheif) ---- */

static int pic_heif(const void *buf, size_t len,
		    const struct spoor_pdq_opts *o, struct spoor_pdq *out,
		    unsigned char dih[][SPOOR_PDQ_BYTES],
		    struct spoor_pdq_info *info, struct spoor_err *err)
{
	struct heif_context *ctx = heif_context_alloc();
	struct heif_image_handle *hd = NULL;
	struct heif_image *img = NULL;
	struct heif_error he;
	const uint8_t *px;
	int stride = 0, rc;

	if (!ctx)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	heif_context_set_maximum_image_size_limit(ctx, SPOOR_PDQ_MAX_SIDE);
	heif_context_set_max_decoding_threads(ctx, 0);
	he = heif_context_read_from_memory_without_copy(ctx, buf, len, NULL);
	if (he.code == heif_error_Ok)
		he = heif_context_get_primary_image_handle(ctx, &hd);
	if (he.code != heif_error_Ok) {
		rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "HEIF: %s",
				   he.message);
		goto done;
	}
	info->width = (uint32_t)heif_image_handle_get_width(hd);
	info->height = (uint32_t)heif_image_handle_get_height(hd);
	info->scale = 1;
	rc = check_size(info->width, info->height, o, err);
	if (rc)
		goto done;
	he = heif_decode_image(hd, &img, heif_colorspace_RGB,
			       heif_chroma_interleaved_RGB, NULL);
	if (he.code != heif_error_Ok) {
		rc = spoor_err_set(err, he.code == heif_error_Unsupported_filetype
				   || he.code == heif_error_Unsupported_feature
				   ? SPOOR_EUNSUPPORTED : SPOOR_EFORMAT, 0,
				   "HEIF: %s", he.message);
		goto done;
	}
	px = heif_image_get_plane_readonly(img, heif_channel_interleaved,
					   &stride);
	if (!px || stride <= 0 ||
	    heif_image_get_bits_per_pixel_range(img, heif_channel_interleaved)
	    != 8) {
		rc = spoor_err_set(err, SPOOR_EUNSUPPORTED, 0, "HEIF: no 8-bit "
				   "RGB plane");
		goto done;
	}
	rc = webp_rows(px, (size_t)heif_image_get_width(img,
				heif_channel_interleaved),
		       (size_t)heif_image_get_height(img,
				heif_channel_interleaved),
		       (size_t)stride, 3, o, out, dih, info, err);
done:
	heif_image_release(img);
	heif_image_handle_release(hd);
	heif_context_free(ctx);
	return rc;
}

/* ---- TIFF (libtiff, read from memory, errors kept per handle) ---- */

struct tiff_mem {
	const unsigned char *p;
	toff_t len, off;
	char msg[200];
};

static tmsize_t tiff_read(thandle_t h, void *out, tmsize_t n)
{
	struct tiff_mem *m = h;
	toff_t k = n < 0 ? 0 : MIN((toff_t)n, m->len - m->off);

	memcpy(out, m->p + m->off, (size_t)k);
	m->off += k;
	return (tmsize_t)k;
}

static tmsize_t tiff_write(thandle_t h, void *p, tmsize_t n)
{
	(void)h;
	(void)p;
	(void)n;
	return -1;
}

static toff_t tiff_seek(thandle_t h, toff_t off, int whence)
{
	struct tiff_mem *m = h;
	toff_t base = whence == SEEK_CUR ? m->off :
		      whence == SEEK_END ? m->len : 0;

	if (off > UINT64_MAX - base || base + off > m->len)
		return (toff_t)-1;
	m->off = base + off;
	return m->off;
}

static int tiff_close(thandle_t h)
{
	(void)h;
	return 0;
}

static toff_t tiff_size(thandle_t h)
{
	return ((struct tiff_mem *)h)->len;
}

static int tiff_map(thandle_t h, void **base, toff_t *size)
{
	(void)h;
	(void)base;
	(void)size;
	return 0;
}

static void tiff_unmap(thandle_t h, void *base, toff_t size)
{
	(void)h;
	(void)base;
	(void)size;
}

static int tiff_error(TIFF *t, void *ud, const char *module, const char *fmt,
		      va_list ap)
{
	struct tiff_mem *m = ud;

	(void)t;
	(void)module;
	if (!m->msg[0])
		vsnprintf(m->msg, sizeof(m->msg), fmt, ap);
	return 1;
}

static int tiff_warning(TIFF *t, void *ud, const char *module,
			const char *fmt, va_list ap)
{
	(void)t;
	(void)ud;
	(void)module;
	(void)fmt;
	(void)ap;
	return 1;
}

#define TIFF_BAND 64	/* rows per TIFFRGBAImageGet call */

static int tiff_rows(TIFFRGBAImage *img, struct tiff_mem *m,
		     const struct spoor_pdq_opts *o, struct spoor_pdq *out,
		     unsigned char dih[][SPOOR_PDQ_BYTES],
		     struct spoor_pdq_info *info, struct spoor_err *err)
{
	size_t w = img->width, h = img->height;
	struct reducer red;
	uint32_t *band;
	int rc;

	info->width = (uint32_t)w;
	info->height = (uint32_t)h;
	info->scale = 1;
	rc = check_size(w, h, o, err);
	if (rc)
		return rc;
	rc = red_init(&red, w, h, o->min_side, err);
	if (rc)
		return rc;
	info->scale = (uint32_t)red.k;
	band = malloc(w * TIFF_BAND * sizeof(uint32_t));
	if (!band) {
		red_free(&red);
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	}
	img->req_orientation = ORIENTATION_TOPLEFT;
	for (size_t y = 0; y < h && !rc; y += TIFF_BAND) {
		size_t n = MIN((size_t)TIFF_BAND, h - y);

		img->row_offset = (int)y;
		img->col_offset = 0;
		if (!TIFFRGBAImageGet(img, band, (uint32_t)w, (uint32_t)n)) {
			rc = spoor_err_set(err, SPOOR_EFORMAT, 0, "TIFF: %s",
					   m->msg[0] ? m->msg : "bad strip");
			break;
		}
		for (size_t r = 0; r < n; r++) {
			const uint32_t *p = band + r * w;

			for (size_t x = 0; x < w; x++)
				red.row[x] = luma(TIFFGetR(p[x]),
						  TIFFGetG(p[x]),
						  TIFFGetB(p[x]));
			red_feed(&red);
		}
	}
	if (!rc)
		rc = red_hash(&red, out, dih, err);
	free(band);
	red_free(&red);
	return rc;
}

static int pic_tiff(const void *buf, size_t len,
		    const struct spoor_pdq_opts *o, struct spoor_pdq *out,
		    unsigned char dih[][SPOOR_PDQ_BYTES],
		    struct spoor_pdq_info *info, struct spoor_err *err)
{
	struct tiff_mem m = { buf, len, 0, "" };
	TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
	char emsg[1024] = "";
	TIFFRGBAImage img;
	TIFF *t;
	int rc;

	if (!opts)
		return spoor_err_set(err, SPOOR_ENOMEM, 0, "out of memory");
	TIFFOpenOptionsSetErrorHandlerExtR(opts, tiff_error, &m);
	TIFFOpenOptionsSetWarningHandlerExtR(opts, tiff_warning, &m);
	TIFFOpenOptionsSetMaxSingleMemAlloc(opts, TIFF_MAX_ALLOC);
	t = TIFFClientOpenExt("picture", "rm", &m, tiff_read, tiff_write,
			      tiff_seek, tiff_close, tiff_size, tiff_map,
			      tiff_unmap, opts);
	TIFFOpenOptionsFree(opts);
	if (!t)
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "TIFF: %s",
				     m.msg[0] ? m.msg : "does not open");
	if (!TIFFRGBAImageOK(t, emsg) || !TIFFRGBAImageBegin(&img, t, 0, emsg)) {
		rc = spoor_err_set(err, SPOOR_EUNSUPPORTED, 0, "TIFF: %s",
				   emsg[0] ? emsg : m.msg);
	} else {
		rc = tiff_rows(&img, &m, o, out, dih, info, err);
		TIFFRGBAImageEnd(&img);
	}
	TIFFClose(t);
	return rc;
}

/* ---- BMP: a strict reader of the uncompressed forms ---- */

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static int pic_bmp(const void *buf, size_t len,
		   const struct spoor_pdq_opts *o, struct spoor_pdq *out,
		   unsigned char dih[][SPOOR_PDQ_BYTES],
		   struct spoor_pdq_info *info, struct spoor_err *err)
{
	const unsigned char *p = buf, *pal;
	uint32_t dib, off, comp, ncolors;
	int32_t sw, sh;
	unsigned bpp;
	size_t w, h, stride, palsize;
	struct reducer red;
	int rc;

	if (len < 54)
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "BMP: truncated "
				     "header");
	off = le32(p + 10);
	dib = le32(p + 14);
	if (dib < 40 || dib > 124 || 14 + (size_t)dib > len)
		return spoor_err_set(err, SPOOR_EUNSUPPORTED, 0, "BMP: header "
				     "of %u bytes", dib);
	sw = (int32_t)le32(p + 18);
	sh = (int32_t)le32(p + 22);
	bpp = le16(p + 28);
	comp = le32(p + 30);
	ncolors = le32(p + 46);
	if (sw <= 0 || sh == 0 || sh == INT32_MIN)
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "BMP: size "
				     "%dx%d", sw, sh);
	w = (size_t)sw;
	h = (size_t)(sh < 0 ? -(int64_t)sh : sh);
	info->width = (uint32_t)w;
	info->height = (uint32_t)h;
	info->scale = 1;
	rc = check_size(w, h, o, err);
	if (rc)
		return rc;
	if (!(comp == 0 && (bpp == 1 || bpp == 4 || bpp == 8 || bpp == 24 ||
			    bpp == 32)) && !(comp == 3 && bpp == 32 &&
					     dib >= 52 &&
					     le32(p + 54) == 0xff0000 &&
					     le32(p + 58) == 0xff00 &&
					     le32(p + 62) == 0xff))
		return spoor_err_set(err, SPOOR_EUNSUPPORTED, 0, "BMP: %u bits "
				     "per pixel, compression %u", bpp, comp);
	palsize = bpp <= 8 ? (ncolors && ncolors < (1u << bpp) ? ncolors
			      : 1u << bpp) : 0;
	pal = p + 14 + dib;
	if (palsize && (size_t)(pal - p) + 4 * palsize > len)
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "BMP: truncated "
				     "palette");
	stride = (w * bpp + 31) / 32 * 4;
	if (off > len || stride > (len - off) / h)
		return spoor_err_set(err, SPOOR_EFORMAT, 0, "BMP: truncated "
				     "pixels");
	rc = red_init(&red, w, h, o->min_side, err);
	if (rc)
		return rc;
	info->scale = (uint32_t)red.k;
	for (size_t y = 0; y < h; y++) {
		/* bottom-up unless the height is negative */
		const unsigned char *row = p + off +
					   (sh > 0 ? h - 1 - y : y) * stride;

		for (size_t x = 0; x < w; x++) {
			unsigned idx;
			const unsigned char *c;

			if (bpp >= 24) {
				c = row + x * (bpp / 8);
				red.row[x] = luma(c[2], c[1], c[0]);
				continue;
			}
			idx = row[x * bpp / 8] >> (8 - bpp - x * bpp % 8) &
			      ((1u << bpp) - 1);
			c = idx < palsize ? pal + 4 * idx : NULL;
			red.row[x] = c ? luma(c[2], c[1], c[0]) : 0;
		}
		red_feed(&red);
	}
	rc = red_hash(&red, out, dih, err);
	red_free(&red);
	return rc;
}

/* ---- dispatch ---- */

static bool heif_brand(const unsigned char *b)
{
	static const char brands[][5] = {
		"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1",
		"msf1", "avif",
	};

	for (size_t i = 0; i < ARRAY_SIZE(brands); i++)
		if (!memcmp(b, brands[i], 4))
			return true;
	return false;
}

const char *spoor_pdq_sniff(const void *head, size_t len)
{
	const unsigned char *p = head;

	if (!p)
		return NULL;
	if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return "jpeg";
	if (len >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8))
		return "png";
	if (len >= 6 && (!memcmp(p, "GIF87a", 6) || !memcmp(p, "GIF89a", 6)))
		return "gif";
	if (len >= 12 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBP", 4))
		return "webp";
	if (len >= 4 && (!memcmp(p, "II*\0", 4) || !memcmp(p, "MM\0*", 4)))
		return "tiff";
	if (len >= 18 && p[0] == 'B' && p[1] == 'M' &&
	    (le32(p + 14) == 12 || (le32(p + 14) >= 40 &&
				    le32(p + 14) <= 124)))
		return "bmp";
	if (len >= 16 && !memcmp(p + 4, "ftyp", 4)) {
		size_t box = (size_t)p[0] << 24 | (size_t)p[1] << 16 |
			     (size_t)p[2] << 8 | p[3];

		box = MIN(box, MIN(len, 256));

		if (heif_brand(p + 8))
			return "heif";
		for (size_t i = 16; i + 4 <= box; i += 4)
			if (heif_brand(p + i))
				return "heif";
	}
	return NULL;
}

int spoor_pdq_picture(const void *buf, size_t len,
		      const struct spoor_pdq_opts *opts, struct spoor_pdq *out,
		      unsigned char dihedral[][SPOOR_PDQ_BYTES],
		      struct spoor_pdq_info *info, struct spoor_err *err)
{
	static const struct {
		const char *name;
		int (*fn)(const void *, size_t, const struct spoor_pdq_opts *,
			  struct spoor_pdq *, unsigned char[][SPOOR_PDQ_BYTES],
			  struct spoor_pdq_info *, struct spoor_err *);
	} dec[] = {
		{ "jpeg", pic_jpeg }, { "png", pic_png }, { "gif", pic_gif },
		{ "webp", pic_webp }, { "heif", pic_heif },
		{ "tiff", pic_tiff }, { "bmp", pic_bmp },
	};
	struct spoor_pdq_opts o = { DEFAULT_MIN_SIDE, SPOOR_PDQ_MAX_PIXELS };
	struct spoor_pdq_info dummy;
	const char *fmt = spoor_pdq_sniff(buf, len);

	if (!info)
		info = &dummy;
	memset(info, 0, sizeof(*info));
	info->frames = 1;
	info->format = fmt;
	if (opts && opts->min_side)
		o.min_side = opts->min_side;
	if (opts && opts->max_pixels)
		o.max_pixels = MIN(opts->max_pixels, SPOOR_PDQ_MAX_PIXELS);
	if (!out)
		return spoor_err_set(err, SPOOR_EINVAL, 0, "no output");
	memset(out, 0, sizeof(*out));
	if (!fmt)
		return spoor_err_set(err, SPOOR_EUNSUPPORTED, 0, "not a "
				     "picture format that is decoded");
	for (size_t i = 0; i < ARRAY_SIZE(dec); i++)
		if (!strcmp(dec[i].name, fmt))
			return dec[i].fn(buf, len, &o, out, dihedral, info,
					 err);
	return spoor_err_set(err, SPOOR_EINTERNAL, 0, "no decoder");
}
