/*
 * fuzz-nskeyed: the bounded NSKeyedArchiver reader (lib/nskeyed.h) that
 * instagram-ios runs on DirectSQLiteDatabase messages.archive and
 * threads.metadata: the plist guard, libplist, and the lookups the
 * plugin makes (content string, sender, date, the users array).
 */
#include "fuzz.h"
#include "nskeyed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nsk a;
	plist_t root, content, meta, users;
	const char *s;
	size_t len = 0;
	double t;
	int64_t v;

	if (nsk_open(&a, data, size))
		return 0;
	root = nsk_root(&a);
	content = nsk_get(&a, root, "IGDirectPublishedMessageContent*content");
	meta = nsk_get(&a, root, "IGDirectPublishedMessageMetadata*metadata");
	if ((s = nsk_string(&a, nsk_get(&a, content, "NSString*string"),
			    &len)))
		fz_touch(s, len);
	if ((s = nsk_string(&a, nsk_get(&a, meta, "NSString*senderPk"),
			    &len)))
		fz_touch(s, len);
	nsk_date(&a, nsk_get(&a, meta, "NSDate*serverTimestamp"), &t);
	nsk_int(&a, nsk_get(&a, root, "pk"), &v);
	users = nsk_array(&a, nsk_get(&a, root, "NSArray<IGUser *>*users"));
	for (uint32_t i = 0; i < nsk_count(users) && i < 64; i++) {
		plist_t u = nsk_at(&a, users, i);

		if ((s = nsk_string(&a, nsk_get(&a, u, "username"), &len)))
			fz_touch(s, len);
	}
	nsk_close(&a);
	return 0;
}
