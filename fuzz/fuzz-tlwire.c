/*
 * fuzz-tlwire: Telegram's TL reader (lib/tlwire.h) that telegram-android
 * runs on cache4.db messages_v2.data and users.data, and on the account
 * in userconfing.xml.  Every string must lie inside the input; an
 * unknown constructor must be named, never read past.
 */
#include "fuzz.h"
#include "tlwire.h"

static const uint8_t *base;
static size_t base_len;

static void inside(const char *p, size_t len)
{
	if (!p && len)
		abort();
	if (p && ((const uint8_t *)p < base ||
		  (const uint8_t *)p + len > base + base_len))
		abort();
	if (p)
		fz_touch(p, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_message m;
	struct tl_user u;
	int r;

	base = data;
	base_len = size;
	r = tl_message_decode(data, size, &m);
	if (r != TL_OK && r != TL_EUNKNOWN && r != TL_EFORMAT)
		abort();
	inside(m.text, m.text_len);
	inside(m.fwd.from_name, m.fwd.from_name_len);
	inside(m.action_title, m.action_title_len);
	if (m.media_kind)
		fz_touch(m.media_kind, strlen(m.media_kind));
	r = tl_user_decode(data, size, &u);
	if (r != TL_OK && r != TL_EUNKNOWN && r != TL_EFORMAT)
		abort();
	inside(u.first_name, u.first_name_len);
	inside(u.last_name, u.last_name_len);
	inside(u.username, u.username_len);
	inside(u.phone, u.phone_len);
	return 0;
}
