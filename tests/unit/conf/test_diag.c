/* Tests for conf/diag: format, ordering by file then position, notes with
 * their error, carets and spans, position-less errors, suggestions, and
 * multi-file loading through lp_conf_load. */
#include "lp_test.h"

#include "conf_util.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_format_and_order(void)
{
	lp_diag *d = lp_diag_create();
	lp_source_file *a = cu_file("a.conf", "line one\nline two\n");
	lp_source_file *b = cu_file("b.conf", "x\n");
	lp_diag_add_file(d, a);
	lp_diag_add_file(d, b);
	lp_span sb = { b, 1, 1, 1 };
	lp_span a2 = { a, 2, 6, 3 };
	lp_span a1 = { a, 1, 1, 4 };
	lp_span none = { 0 };
	lp_diag_error(d, sb, "in b");
	lp_diag_error(d, a2, "second line %d", 2);
	lp_diag_note(d, a1, "a note for it");
	lp_diag_error(d, a1, "first");
	lp_diag_error(d, none, "no position");
	CHECK_INT(lp_diag_count(d), 4);
	/* the source text may go away before printing */
	cu_file_free(a);
	cu_file_free(b);
	CHECK_OWNED_STR(cu_diag_text(d),
			"error: no position\n"
			"a.conf:1:1: error: first\n"
			"line one\n"
			"^~~~\n"
			"a.conf:2:6: error: second line 2\n"
			"line two\n"
			"     ^~~\n"
			"a.conf:1:1: note: a note for it\n"
			"line one\n"
			"^~~~\n"
			"b.conf:1:1: error: in b\n"
			"x\n"
			"^\n");
	lp_diag_destroy(d);
	lp_diag_destroy(NULL);
}

static void test_carets(void)
{
	lp_diag *d = lp_diag_create();
	lp_source_file *f = cu_file("c.conf", "\tab \"é\" cd\r\nshort");
	lp_span s1 = { f, 1, 8, 20 };  /* "cd": span clipped at the line end */
	lp_span s2 = { f, 2, 9, 1 };   /* past the end of the line */
	lp_diag_error(d, s1, "one");
	lp_diag_error(d, s2, "two");
	CHECK_OWNED_STR(cu_diag_text(d),
			"c.conf:1:8: error: one\n"
			"\tab \"é\" cd\n"
			"\t     ^~~~\n"
			"c.conf:2:9: error: two\n"
			"short\n"
			"     ^\n");
	cu_file_free(f);
	lp_diag_destroy(d);
}

static void test_suggest(void)
{
	static const char *const opts[] = { "source", "target", "tag_on_failure", "skip_on_invalid_json", NULL };
	CHECK_STR(lp_diag_suggest("tag_on_faliure", opts), "tag_on_failure");
	CHECK_STR(lp_diag_suggest("sourc", opts), "source");
	CHECK_STR(lp_diag_suggest("Target", opts), "target");
	CHECK(lp_diag_suggest("zzz", opts) == NULL);
	CHECK(lp_diag_suggest("source", opts) == NULL); /* nothing to suggest for an exact name */
	static const char *const plugins[] = { "drop", "json", "date", "mutate", NULL };
	CHECK_STR(lp_diag_suggest("mutat", plugins), "mutate");
	CHECK_STR(lp_diag_suggest("jsno", plugins), "json");
	CHECK(lp_diag_suggest("grok", plugins) == NULL);
}

static char tmpdir[64];

static void write_file(const char *name, const char *text)
{
	char *p = lp_asprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	lp_free(p);
}

static void test_load_files(void)
{
	strcpy(tmpdir, "/tmp/lp_conf_test_XXXXXX");
	CHECK(mkdtemp(tmpdir) != NULL);
	write_file("20-filter.conf", "filter {\n  m { a => x }\n}\n");
	write_file("10-input.conf", "input {\n  stdin { }\n  s2 { b => y }\n}\n");
	write_file("30-out.conf", "output { stdout { } }\n");
	char *sub = lp_asprintf("%s/subdir", tmpdir);
	mkdir(sub, 0700);
	lp_free(sub);

	/* a directory: its files in alphabetical order, each with its own lines */
	lp_diag *d = lp_diag_create();
	const char *paths[] = { tmpdir };
	lp_ast_config *c = lp_conf_load(paths, 1, NULL, d);
	CHECK(c == NULL);
	char *text = cu_diag_text(d);
	char *want = lp_asprintf(
		"%s/10-input.conf:3:13: error: invalid bareword 'y': write it as a string, \"y\"\n"
		"  s2 { b => y }\n"
		"            ^\n"
		"%s/20-filter.conf:2:12: error: invalid bareword 'x': write it as a string, \"x\"\n"
		"  m { a => x }\n"
		"           ^\n",
		tmpdir, tmpdir);
	CHECK_STR(text, want);
	free(text);
	lp_free(want);
	lp_diag_destroy(d);

	/* a glob; valid files concatenate into one config */
	write_file("20-filter.conf", "filter {\n  m { a => xx }\n}\n");
	write_file("10-input.conf", "input { stdin { } }\n");
	d = lp_diag_create();
	char *glob = lp_asprintf("%s/*.conf", tmpdir);
	const char *gp[] = { glob };
	c = lp_conf_load(gp, 1, NULL, d);
	CHECK(c != NULL);
	if (c) {
		CHECK_INT(c->n_files, 3);
		char *r = cu_render(c);
		CHECK_STR(r, "input: stdin{} | filter: m{a=>b:xx} | output: stdout{}");
		free(r);
		char *last = lp_asprintf("%s/30-out.conf", tmpdir);
		CHECK_STR(c->files[2]->name, last);
		lp_free(last);
		CHECK_STR(c->sections[2]->span.file->name, c->files[2]->name);
	}
	lp_ast_config_destroy(c);
	lp_diag_destroy(d);

	/* a single file plus -e text */
	d = lp_diag_create();
	char *one = lp_asprintf("%s/10-input.conf", tmpdir);
	const char *op[] = { one };
	c = lp_conf_load(op, 1, "output { null { } }", d);
	CHECK(c != NULL);
	if (c) {
		char *r = cu_render(c);
		CHECK_STR(r, "input: stdin{} | output: null{}");
		free(r);
		CHECK_STR(c->files[1]->name, "config string");
	}
	lp_ast_config_destroy(c);
	lp_diag_destroy(d);

	/* a byte order mark is dropped, so that columns stay right */
	write_file("40-bom.conf", "\xEF\xBB\xBFoutput { x { a => b } }\n");
	d = lp_diag_create();
	char *bom = lp_asprintf("%s/40-bom.conf", tmpdir);
	const char *bp[] = { bom };
	c = lp_conf_load(bp, 1, NULL, d);
	CHECK(c == NULL);
	text = cu_diag_text(d);
	want = lp_asprintf("%s:1:19: error: invalid bareword 'b': write it as a string, \"b\"\n"
			   "output { x { a => b } }\n"
			   "                  ^\n", bom);
	CHECK_STR(text, want);
	free(text);
	lp_free(want);
	lp_free(bom);
	lp_diag_destroy(d);

	/* missing paths and empty globs are errors */
	d = lp_diag_create();
	char *missing = lp_asprintf("%s/nope.conf", tmpdir);
	char *noglob = lp_asprintf("%s/*.yml", tmpdir);
	const char *mp[] = { missing, noglob };
	c = lp_conf_load(mp, 2, NULL, d);
	CHECK(c == NULL);
	text = cu_diag_text(d);
	want = lp_asprintf("error: config path '%s' does not exist\nerror: no config files match '%s'\n",
			   missing, noglob);
	CHECK_STR(text, want);
	free(text);
	lp_free(want);
	lp_diag_destroy(d);

	lp_free(missing);
	lp_free(noglob);
	lp_free(one);
	lp_free(glob);
	char *cmd = lp_asprintf("rm -rf '%s'", tmpdir);
	CHECK(system(cmd) == 0);
	lp_free(cmd);
}

int main(void)
{
	LP_RUN(test_format_and_order);
	LP_RUN(test_carets);
	LP_RUN(test_suggest);
	LP_RUN(test_load_files);
	return lp_test_report();
}
