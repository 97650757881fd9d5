/*
 * report_uco.c: data/case-uco.jsonld, the CASE/UCO 1.x export of
 * ../shared/docs/bundle.md section 6: an Investigation, a
 * ProvenanceRecord per exhibit, an InvestigativeAction per run, files
 * with hashes (uco-types:Hash), messages and threads, contacts, phone
 * accounts, and the reporter as a Person named by the pseudonym only.
 * Never a dataPayload.  Node ids are UUIDv5 in the bundle's namespace,
 * so the same record always gets the same id within a bundle.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "report.h"

#include "banned.h"

#define CASE_VERSION "case-1.3.0"

static const char context[] =
	"{\n\"@context\": {\n"
	" \"case-investigation\": "
	"\"https://ontology.caseontology.org/case/investigation/\",\n"
	" \"kb\": \"http://example.org/kb/\",\n"
	" \"uco-action\": "
	"\"https://ontology.unifiedcyberontology.org/uco/action/\",\n"
	" \"uco-core\": \"https://ontology.unifiedcyberontology.org/uco/core/\",\n"
	" \"uco-identity\": "
	"\"https://ontology.unifiedcyberontology.org/uco/identity/\",\n"
	" \"uco-observable\": "
	"\"https://ontology.unifiedcyberontology.org/uco/observable/\",\n"
	" \"uco-tool\": \"https://ontology.unifiedcyberontology.org/uco/tool/\",\n"
	" \"uco-types\": "
	"\"https://ontology.unifiedcyberontology.org/uco/types/\",\n"
	" \"uco-vocabulary\": "
	"\"https://ontology.unifiedcyberontology.org/uco/vocabulary/\",\n"
	" \"xsd\": \"http://www.w3.org/2001/XMLSchema#\"\n},\n";

/* A UUIDv5 (RFC 4122) of name in the bundle-id namespace. */
static void uuid5(const struct report *rep, const char *kind,
		  const char *name, char out[37])
{
	unsigned char ns[16] = { 0 }, md[EVP_MAX_MD_SIZE];
	struct sbuf b = SBUF_INIT;
	const char *p = rep->bundle_id;
	size_t n = 0;

	for (; *p && p[1] && n < 16; p++) {
		if (*p == '-')
			continue;
		sscanf(p, "%2hhx", &ns[n++]);
		p++;
	}
	sbuf_add(&b, ns, sizeof(ns));
	sbuf_adds(&b, kind);
	sbuf_addc(&b, '\0');
	sbuf_adds(&b, name);
	if (b.failed || !EVP_Digest(b.buf, b.len, md, NULL, EVP_sha1(),
				    NULL))
		memset(md, 0, sizeof(md));
	sbuf_release(&b);
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50);
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", md[0], md[1], md[2], md[3],
		 md[4], md[5], md[6], md[7], md[8], md[9], md[10], md[11],
		 md[12], md[13], md[14], md[15]);
}

/* "kb:kind-uuid" for (kind, name) into out. */
static const char *kbid(const struct report *rep, const char *kind,
			const char *name, char out[128])
{
	char u[37];

	uuid5(rep, kind, name ? name : "", u);
	snprintf(out, 128, "kb:%s-%s", kind, u);
	return out;
}

struct uco {
	FILE *f;
	struct report *rep;
	bool first;
};

static void node_open(struct uco *u, const char *id, const char *type)
{
	fprintf(u->f, "%s\n {\"@id\": \"%s\", \"@type\": \"%s\"",
		u->first ? "" : ",", id, type);
	u->first = false;
}

static void prop(struct uco *u, const char *key, const char *v)
{
	if (!v)
		return;
	fprintf(u->f, ", \"%s\": ", key);
	report_json_str(u->f, u->rep, v);
}

static void prop_time(struct uco *u, const char *key, const char *v)
{
	if (!v)
		return;
	fprintf(u->f, ", \"%s\": {\"@type\": \"xsd:dateTime\", "
		"\"@value\": ", key);
	report_json_str(u->f, u->rep, v);
	fputc('}', u->f);
}

static void prop_ref(struct uco *u, const char *key, const char *id)
{
	fprintf(u->f, ", \"%s\": {\"@id\": \"%s\"}", key, id);
}

/* A hash node; returns its id in out. */
static void hash_node(struct uco *u, const char *method, const char *hex,
		      char out[128])
{
	if (!hex)
		return;
	kbid(u->rep, "hash", hex, out);
	node_open(u, out, "uco-types:Hash");
	fprintf(u->f, ", \"uco-types:hashMethod\": {\"@type\": "
		"\"uco-vocabulary:HashNameVocab\", \"@value\": \"%s\"}, "
		"\"uco-types:hashValue\": {\"@type\": \"xsd:hexBinary\", "
		"\"@value\": ", method);
	report_json_str(u->f, u->rep, hex);
	fputs("}}", u->f);
}

static int exhibits(struct uco *u, struct spoor_err *err)
{
	sqlite3_stmt *st;
	int rc = report_prepare(u->rep, "SELECT exhibit, sha256, md5, sha1, "
				"size, description, kind FROM exhibits "
				"ORDER BY exhibit", &st, err);

	if (rc)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char id[128], hid[128] = "", mid[128] = "", sid[128] = "";
		char pid[128];

		hash_node(u, "SHA256", report_col(st, 1), hid);
		hash_node(u, "MD5", report_col(st, 2), mid);
		hash_node(u, "SHA1", report_col(st, 3), sid);
		kbid(u->rep, "file", report_col(st, 0), id);
		node_open(u, id, "uco-observable:File");
		fputs(", \"uco-core:hasFacet\": [{\"@id\": \"", u->f);
		fprintf(u->f, "%s-facet\", \"@type\": "
			"\"uco-observable:ContentDataFacet\", "
			"\"uco-observable:sizeInBytes\": {\"@type\": "
			"\"xsd:integer\", \"@value\": \"%lld\"}, "
			"\"uco-observable:hash\": [", id,
			(long long)sqlite3_column_int64(st, 4));
		fprintf(u->f, "{\"@id\": \"%s\"}", hid);
		if (*mid)
			fprintf(u->f, ", {\"@id\": \"%s\"}", mid);
		if (*sid)
			fprintf(u->f, ", {\"@id\": \"%s\"}", sid);
		fputs("]}]", u->f);
		prop(u, "uco-core:description", report_col(st, 5));
		fputc('}', u->f);
		kbid(u->rep, "provenance-record", report_col(st, 0), pid);
		node_open(u, pid, "case-investigation:ProvenanceRecord");
		prop(u, "case-investigation:exhibitNumber", report_col(st, 0));
		prop(u, "case-investigation:rootExhibitNumber",
		     report_col(st, 0));
		fprintf(u->f, ", \"uco-core:object\": [{\"@id\": \"%s\"}]}",
			id);
	}
	sqlite3_finalize(st);
	return 0;
}

static int actions(struct uco *u, struct spoor_err *err)
{
	sqlite3_stmt *st;
	int rc = report_prepare(u->rep, "SELECT id, tool, version, "
				"parameters, exhibit, examiner, started, "
				"finished FROM runs ORDER BY id", &st, err);

	if (rc)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char id[128], tid[128], pid[128], ex[128];
		char name[256];

		snprintf(name, sizeof(name), "%s %s", report_col(st, 1) ?
			 report_col(st, 1) : "", report_col(st, 2) ?
			 report_col(st, 2) : "");
		kbid(u->rep, "tool", name, tid);
		node_open(u, tid, "uco-tool:Tool");
		prop(u, "uco-core:name", report_col(st, 1));
		prop(u, "uco-tool:version", report_col(st, 2));
		fputs(", \"uco-tool:creator\": \"spoor\"}", u->f);
		kbid(u->rep, "investigative-action", report_col(st, 0), id);
		node_open(u, id, "case-investigation:InvestigativeAction");
		prop(u, "uco-core:name", "analysed");
		prop(u, "uco-core:description", report_col(st, 3));
		prop_time(u, "uco-action:startTime", report_col(st, 6));
		prop_time(u, "uco-action:endTime", report_col(st, 7));
		prop_ref(u, "uco-action:instrument", tid);
		prop_ref(u, "uco-action:performer",
			 kbid(u->rep, "examiner", u->rep->examiner, ex));
		if (report_col(st, 4))
			fprintf(u->f, ", \"uco-action:object\": [{\"@id\": "
				"\"%s\"}]", kbid(u->rep, "provenance-record",
						 report_col(st, 4), pid));
		fputc('}', u->f);
	}
	sqlite3_finalize(st);
	return 0;
}

static int files(struct uco *u, struct spoor_err *err)
{
	sqlite3_stmt *st;
	int rc = report_prepare(u->rep, "SELECT r.id, json_extract(r.json, "
				"'$.path'), json_extract(r.json, '$.size'), "
				"json_extract(r.json, '$.mime'), "
				"json_extract(r.json, '$.sha256'), "
				"json_extract(r.json, '$.sha1'), "
				"json_extract(r.json, '$.md5'), "
				"json_extract(r.json, '$.mtime'), "
				"json_extract(r.json, '$.name') "
				"FROM records r JOIN sel s ON s.record_id = "
				"r.id WHERE r.rtype = 'file' AND (s.tagged "
				"OR EXISTS (SELECT 1 FROM json_each(r.json, "
				"'$.hashsets') h WHERE json_extract(h.value, "
				"'$.kind') = 'known-bad')) ORDER BY r.id", &st,
				err);

	if (rc)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char id[128], h1[128] = "", h2[128] = "", h3[128] = "";

		hash_node(u, "SHA256", report_col(st, 4), h1);
		hash_node(u, "SHA1", report_col(st, 5), h2);
		hash_node(u, "MD5", report_col(st, 6), h3);
		kbid(u->rep, "file", report_col(st, 0), id);
		node_open(u, id, "uco-observable:File");
		fprintf(u->f, ", \"uco-core:hasFacet\": [{\"@id\": "
			"\"%s-ff\", \"@type\": \"uco-observable:FileFacet\"",
			id);
		prop(u, "uco-observable:filePath", report_col(st, 1));
		prop(u, "uco-observable:fileName", report_col(st, 8));
		prop_time(u, "uco-observable:modifiedTime",
			  report_col(st, 7));
		fprintf(u->f, "}, {\"@id\": \"%s-cdf\", \"@type\": "
			"\"uco-observable:ContentDataFacet\", "
			"\"uco-observable:sizeInBytes\": {\"@type\": "
			"\"xsd:integer\", \"@value\": \"%lld\"}", id,
			(long long)sqlite3_column_int64(st, 2));
		prop(u, "uco-observable:mimeType", report_col(st, 3));
		fputs(", \"uco-observable:hash\": [", u->f);
		fprintf(u->f, "{\"@id\": \"%s\"}", *h1 ? h1 : id);
		if (*h2)
			fprintf(u->f, ", {\"@id\": \"%s\"}", h2);
		if (*h3)
			fprintf(u->f, ", {\"@id\": \"%s\"}", h3);
		fputs("]}]}", u->f);
	}
	sqlite3_finalize(st);
	return 0;
}

/* A PhoneAccount for an E.164 number (the id depends on the number). */
static void phone_account(struct uco *u, const char *phone, char id[128])
{
	kbid(u->rep, "phone-account", phone, id);
	node_open(u, id, "uco-observable:PhoneAccount");
	fprintf(u->f, ", \"uco-core:hasFacet\": [{\"@id\": \"%s-f\", "
		"\"@type\": \"uco-observable:PhoneAccountFacet\"", id);
	prop(u, "uco-observable:phoneNumber", phone);
	fputs("}]}", u->f);
}

static int contacts(struct uco *u, struct spoor_err *err)
{
	sqlite3_stmt *st;
	int rc = report_prepare(u->rep, "SELECT r.id, coalesce("
				"json_extract(r.json, '$.name'), "
				"json_extract(r.json, '$.push_name')), "
				"json_extract(r.json, '$.phone') FROM records "
				"r JOIN sel s ON s.record_id = r.id WHERE "
				"r.rtype IN ('contact', 'account') "
				"ORDER BY r.id", &st, err);

	if (rc)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char id[128], aid[128] = "";

		if (report_col(st, 2))
			phone_account(u, report_col(st, 2), aid);
		kbid(u->rep, "contact", report_col(st, 0), id);
		node_open(u, id, "uco-observable:Contact");
		fprintf(u->f, ", \"uco-core:hasFacet\": [{\"@id\": "
			"\"%s-f\", \"@type\": \"uco-observable:ContactFacet\"",
			id);
		prop(u, "uco-observable:displayName", report_col(st, 1));
		if (*aid)
			fprintf(u->f, ", \"uco-observable:contactPhone\": "
				"[{\"@id\": \"%s\"}]", aid);
		fputs("}]}", u->f);
	}
	sqlite3_finalize(st);
	return 0;
}

static int messages(struct uco *u, struct spoor_err *err)
{
	sqlite3_stmt *st;
	char *thread = NULL;
	int rc = report_prepare(u->rep, "SELECT r.id, r.exhibit || '/' || "
				"coalesce(json_extract(r.json, "
				"'$.source_path'), '') || '/' || coalesce("
				"json_extract(r.json, '$.chat_id'), ''), "
				"json_extract(r.json, '$.sender_phone'), "
				"json_extract(r.json, '$.time'), "
				"json_extract(r.json, '$.text'), "
				"json_extract(r.json, '$.app'), "
				"json_extract(r.json, '$.direction') "
				"FROM records r JOIN sel s ON s.record_id = "
				"r.id WHERE r.rtype = 'message' ORDER BY 2, "
				"json_extract(r.json, '$.time'), r.id", &st,
				err);

	if (rc)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char id[128], tid[128], aid[128] = "";

		if (!thread || !report_col(st, 1) ||
		    strcmp(thread, report_col(st, 1))) {
			free(thread);
			thread = strdup(report_col(st, 1) ?
					report_col(st, 1) : "");
			kbid(u->rep, "message-thread", thread, tid);
			node_open(u, tid, "uco-observable:MessageThread");
			prop(u, "uco-core:name", thread);
			fputc('}', u->f);
		}
		kbid(u->rep, "message-thread", thread ? thread : "", tid);
		if (report_col(st, 2))
			phone_account(u, report_col(st, 2), aid);
		kbid(u->rep, "message", report_col(st, 0), id);
		node_open(u, id, "uco-observable:Message");
		fprintf(u->f, ", \"uco-core:hasFacet\": [{\"@id\": "
			"\"%s-f\", \"@type\": \"uco-observable:MessageFacet\"",
			id);
		if (*aid)
			prop_ref(u, "uco-observable:from", aid);
		prop_time(u, "uco-observable:sentTime", report_col(st, 3));
		prop(u, "uco-observable:messageText", report_col(st, 4));
		prop(u, "uco-observable:application", report_col(st, 5));
		fprintf(u->f, "}], \"uco-observable:messageThread\": "
			"{\"@id\": \"%s\"}", tid);
		prop(u, "uco-core:description", report_col(st, 6));
		fputc('}', u->f);
	}
	free(thread);
	sqlite3_finalize(st);
	return 0;
}

static void investigation(struct uco *u)
{
	char id[128], ex[128], rp[128];

	kbid(u->rep, "examiner", u->rep->examiner, ex);
	node_open(u, ex, "uco-identity:Person");
	prop(u, "uco-core:name", u->rep->examiner);
	prop(u, "uco-core:description", "Examiner");
	fputc('}', u->f);
	if (u->rep->pseudo) {
		kbid(u->rep, "reporter", u->rep->ps.pseudonym, rp);
		node_open(u, rp, "uco-identity:Person");
		prop(u, "uco-core:name", u->rep->ps.pseudonym);
		fprintf(u->f, ", \"uco-core:description\": \"Reporter "
			"(pseudonym); commitment %s\"}",
			u->rep->ps.commitment);
	}
	kbid(u->rep, "investigation", u->rep->case_id, id);
	node_open(u, id, "case-investigation:Investigation");
	prop(u, "uco-core:name", u->rep->case_id);
	prop(u, "uco-core:description", u->rep->case_desc);
	fprintf(u->f, ", \"case-investigation:focus\": [\"spoor bundle %s\"]",
		u->rep->bundle_id);
	fprintf(u->f, ", \"uco-core:object\": [{\"@id\": \"%s\"}", ex);
	if (u->rep->pseudo)
		fprintf(u->f, ", {\"@id\": \"%s\"}", rp);
	fputs("]}", u->f);
}

int report_write_uco(struct report *rep, const char *path,
		     struct spoor_err *err)
{
	struct uco u = { .rep = rep, .first = true };
	int rc;

	u.f = fopen(path, "wxe");
	if (!u.f)
		return spoor_err_set(err, SPOOR_EOUTPUT, errno,
				     "cannot create '%s'", path);
	fputs(context, u.f);
	fprintf(u.f, "\"@id\": \"kb:bundle-%s\",\n\"@type\": "
		"\"uco-core:Bundle\",\n\"uco-core:specVersion\": \"%s\",\n"
		"\"@graph\": [", rep->bundle_id, CASE_VERSION);
	investigation(&u);
	rc = exhibits(&u, err);
	if (!rc)
		rc = actions(&u, err);
	if (!rc)
		rc = files(&u, err);
	if (!rc)
		rc = contacts(&u, err);
	if (!rc)
		rc = messages(&u, err);
	fputs("\n]\n}\n", u.f);
	if (fclose(u.f) && !rc)
		rc = spoor_err_set(err, SPOOR_EOUTPUT, errno,
				   "cannot write '%s'", path);
	return rc;
}
