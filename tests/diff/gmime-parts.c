/* gmime-parts: GMime's full parser as a reference reader for the
 * differential test (tests/diff/run.py). For each FILE on the command
 * line it parses the whole message (g_mime_parser_construct_message),
 * walks every part, message/rfc822 included, decodes each leaf
 * (g_mime_part_get_content + g_mime_data_wrapper_write_to_stream) and
 * prints one line:
 *   FILE<TAB>EXE<TAB>NAMES
 * EXE is the number of leaves whose decoded content is a PE (MZ, then
 * "PE\0\0" at e_lfanew); NAMES the file names GMime gives the leaves
 * (Content-Disposition filename and Content-Type name, each as GMime
 * reads it), separated by '/' (a name holding '/' or a tab is printed
 * with those replaced by '_'). A message GMime cannot parse prints
 * "FILE<TAB>-<TAB>". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gmime/gmime.h>

struct found {
	unsigned exe;
	GString *names;
};

static int is_pe(const GByteArray *b)
{
	unsigned long lfanew;

	if (b->len < 0x40 || b->data[0] != 'M' || b->data[1] != 'Z')
		return 0;
	lfanew = b->data[0x3c] | b->data[0x3d] << 8 | b->data[0x3e] << 16 |
		 (unsigned long)b->data[0x3f] << 24;
	return lfanew + 4 <= b->len && !memcmp(b->data + lfanew, "PE\0\0", 4);
}

static void add_name(struct found *f, const char *name)
{
	const char *p;

	if (!name || !*name)
		return;
	if (f->names->len)
		g_string_append_c(f->names, '/');
	for (p = name; *p; p++)
		g_string_append_c(f->names, *p == '/' || *p == '\t' || *p == '\n' ? '_' : *p);
}

static void leaf(GMimePart *part, struct found *f)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeContentDisposition *d = g_mime_object_get_content_disposition((GMimeObject *)part);
	GMimeContentType *ct = g_mime_object_get_content_type((GMimeObject *)part);
	GMimeStream *mem;
	GByteArray *bytes;

	if (d)
		add_name(f, g_mime_content_disposition_get_parameter(d, "filename"));
	if (ct)
		add_name(f, g_mime_content_type_get_parameter(ct, "name"));
	if (!w)
		return;
	mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(w, mem);
	bytes = g_mime_stream_mem_get_byte_array((GMimeStreamMem *)mem);
	if (is_pe(bytes))
		f->exe++;
	g_object_unref(mem);
}

static void walk(GMimeObject *o, struct found *f, int depth)
{
	int i, n;

	if (!o || depth > 200)
		return;
	if (GMIME_IS_MESSAGE(o)) {
		walk(g_mime_message_get_mime_part((GMimeMessage *)o), f, depth + 1);
	} else if (GMIME_IS_MESSAGE_PART(o)) {
		walk((GMimeObject *)g_mime_message_part_get_message((GMimeMessagePart *)o), f,
		     depth + 1);
	} else if (GMIME_IS_MULTIPART(o)) {
		n = g_mime_multipart_get_count((GMimeMultipart *)o);
		for (i = 0; i < n; i++)
			walk(g_mime_multipart_get_part((GMimeMultipart *)o, i), f, depth + 1);
	} else if (GMIME_IS_PART(o)) {
		leaf((GMimePart *)o, f);
	}
}

int main(int argc, char **argv)
{
	int i;

	g_mime_init();
	for (i = 1; i < argc; i++) {
		GMimeStream *s = g_mime_stream_file_open(argv[i], "rb", NULL);
		GMimeParser *p;
		GMimeMessage *msg;
		struct found f = { 0, g_string_new("") };

		if (!s) {
			printf("%s\t-\t\n", argv[i]);
			continue;
		}
		p = g_mime_parser_new_with_stream(s);
		msg = g_mime_parser_construct_message(p, NULL);
		if (msg) {
			walk((GMimeObject *)msg, &f, 0);
			printf("%s\t%u\t%s\n", argv[i], f.exe, f.names->str);
			g_object_unref(msg);
		} else
			printf("%s\t-\t\n", argv[i]);
		g_string_free(f.names, TRUE);
		g_object_unref(p);
		g_object_unref(s);
	}
	g_mime_shutdown();
	return 0;
}
