/* json_gen: random JSON texts for the tests that hold logpipe's JSON loaders
 * and dumper to the real jansson (test_jsonio.c, test_jsonload.c).
 *
 * json_gen_value writes one JSON value with random white space (none, " ",
 * "\n", "\t", "\r\n  ") before and after every value, key and closing
 * bracket: true, false, null; integers from -1000000 to 1000000 and any
 * int64; reals; strings; and arrays and objects of 0 to 4 members, at most
 * 5 levels of them (below that, scalars only). Object keys are strings too
 * and may repeat. A string is 0 to max_pieces - 1 pieces from the caller's
 * table, which is JSON text as it stands between the quotes (escapes, \u
 * sequences, raw UTF-8). Reals come in real_forms forms:
 *   form 0: [-]M.Fe(+|-)X, M and F 0 to 999, X 0 to 319 (large exponents
 *           overflow, and both jansson and ours refuse the text);
 *   form 1: %.17g of a multiple of 0.001 in [-1000, 1000];
 *   form 2: %.17g of random bits (1.5 for NaN and infinities), ".0" added
 *           when the whole buffer, not only this number, holds neither '.'
 *           nor 'e': now and then a whole number comes out as an integer.
 * Texts are valid JSON as far as the caller's pieces are (a top-level scalar
 * needs JSON_DECODE_ANY); a real may still overflow, as above.
 *
 * Seeding: one xorshift64 stream per test executable. The test defines
 * JSON_GEN_SEED (nonzero) before including this header; json_gen_rng starts
 * from it. The test draws from the same stream with json_gen_rnd (to mutate
 * texts, pick flags), so each run produces the same documents, and each
 * document depends on everything drawn before it.
 *
 * Also here: json_gen_mutate (random edits of a text, drawing from the same
 * stream) and json_gen_deep (deeply nested texts, no randomness). */
#ifndef LP_TESTS_UNIT_PIPELINE_JSON_GEN_H
#define LP_TESTS_UNIT_PIPELINE_JSON_GEN_H

#include "lp_test.h"

#include "pipeline/buf.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#ifndef JSON_GEN_SEED
#error "define JSON_GEN_SEED (nonzero) before including json_gen.h"
#endif

static uint64_t json_gen_rng = JSON_GEN_SEED;

static inline uint64_t json_gen_rnd(void)
{
	return lp_test_xorshift(&json_gen_rng);
}

/* What a test's documents are made of. */
typedef struct json_gen {
	const char *const *pieces; /* string contents, JSON-escaped */
	size_t npieces;
	unsigned max_pieces;       /* a string has 0 to max_pieces - 1 pieces */
	unsigned real_forms;       /* 1 to 3: forms 0 to real_forms - 1 above */
} json_gen;

static inline void json_gen_string(const json_gen *g, lp_buf *b)
{
	lp_buf_addc(b, '"');
	int n = (int)(json_gen_rnd() % g->max_pieces);
	for (int i = 0; i < n; i++)
		lp_buf_adds(b, g->pieces[json_gen_rnd() % g->npieces]);
	lp_buf_addc(b, '"');
}

static inline void json_gen_ws(lp_buf *b)
{
	static const char *const ws[] = { "", "", "", " ", "\n", "\t", "\r\n  " };
	lp_buf_adds(b, ws[json_gen_rnd() % 7]);
}

static inline void json_gen_real(const json_gen *g, lp_buf *b)
{
	/* one form: nothing is drawn to choose it */
	switch (g->real_forms > 1 ? json_gen_rnd() % g->real_forms : 0) {
	case 0:
		lp_buf_printf(b, "%s%llu.%llue%s%d", json_gen_rnd() % 2 ? "-" : "",
			      (unsigned long long)(json_gen_rnd() % 1000), (unsigned long long)(json_gen_rnd() % 1000),
			      json_gen_rnd() % 2 ? "-" : "+", (int)(json_gen_rnd() % 320));
		break;
	case 1: lp_buf_printf(b, "%.17g", (double)(int64_t)(json_gen_rnd() % 2000001 - 1000000) / 1000.0); break;
	default: {
		uint64_t bits = json_gen_rnd();
		double d;
		memcpy(&d, &bits, sizeof(d));
		if (!isfinite(d))
			d = 1.5;
		lp_buf_printf(b, "%.17g", d);
		if (!strpbrk(b->data, ".e")) /* the whole text so far, see above */
			lp_buf_adds(b, ".0");
	}
	}
}

static inline void json_gen_value_at(const json_gen *g, lp_buf *b, int depth)
{
	int kind = (int)(json_gen_rnd() % (depth > 4 ? 6 : 8));
	json_gen_ws(b);
	switch (kind) {
	case 0: lp_buf_adds(b, (const char *[]){ "true", "false", "null" }[json_gen_rnd() % 3]); break;
	case 1: lp_buf_printf(b, "%lld", (long long)(json_gen_rnd() % 2000001) - 1000000); break;
	case 2: lp_buf_printf(b, "%lld", (long long)json_gen_rnd()); break;
	case 3: json_gen_real(g, b); break;
	case 4:
	case 5: json_gen_string(g, b); break;
	case 6: {
		lp_buf_addc(b, '[');
		int n = (int)(json_gen_rnd() % 5);
		for (int i = 0; i < n; i++) {
			if (i)
				lp_buf_addc(b, ',');
			json_gen_value_at(g, b, depth + 1);
		}
		json_gen_ws(b);
		lp_buf_addc(b, ']');
		break;
	}
	default: {
		lp_buf_addc(b, '{');
		int n = (int)(json_gen_rnd() % 5);
		for (int i = 0; i < n; i++) {
			if (i)
				lp_buf_addc(b, ',');
			json_gen_ws(b);
			json_gen_string(g, b);
			json_gen_ws(b);
			lp_buf_addc(b, ':');
			json_gen_value_at(g, b, depth + 1);
		}
		json_gen_ws(b);
		lp_buf_addc(b, '}');
	}
	}
	json_gen_ws(b);
}

/* Appends one random document to b. */
static inline void json_gen_value(const json_gen *g, lp_buf *b)
{
	json_gen_value_at(g, b, 0);
}

/* Changes the text in m 1 to 3 times (not once it is empty), each time at a
 * random byte: flips one of its bits, replaces it with one of bytes[0] to
 * bytes[nbytes - 1] (with nbytes = sizeof of a string literal, its
 * terminating NUL as well), removes it, cuts the text off there (only with
 * truncate), or inserts a random byte before it. Read m->len bytes after it:
 * the text is not NUL-terminated any more. */
static inline void json_gen_mutate(lp_buf *m, const char *bytes, size_t nbytes, bool truncate)
{
	int muts = 1 + (int)(json_gen_rnd() % 3);
	for (int k = 0; k < muts && m->len; k++) {
		size_t at = json_gen_rnd() % m->len;
		unsigned op = (unsigned)(json_gen_rnd() % (truncate ? 5 : 4));
		if (op == 3 && !truncate)
			op = 4;
		switch (op) {
		case 0: m->data[at] ^= (char)(1u << (json_gen_rnd() % 8)); break;
		case 1: m->data[at] = bytes[json_gen_rnd() % nbytes]; break;
		case 2:
			memmove(m->data + at, m->data + at + 1, m->len - at - 1);
			m->len--;
			break;
		case 3: m->len = at; break;
		default: {
			char c = (char)json_gen_rnd();
			lp_buf_addc(m, 0);
			memmove(m->data + at + 1, m->data + at, m->len - at - 1);
			m->data[at] = c;
		}
		}
	}
}

/* The texts at the loaders' nesting limit (2048): for each depth from 2046
 * to 2050, depth nested empty arrays ("[[...]]"), then depth nested objects
 * around 1 ({"a":{"a":...1}}). Calls check on each (objects false, then
 * true), every text in a buffer of its own, and returns how many times check
 * returned 0. Draws nothing from the stream. */
static inline int json_gen_deep(int (*check)(const char *text, size_t len, bool objects))
{
	int bad = 0;
	for (int depth = 2046; depth <= 2050; depth++)
		for (int objects = 0; objects < 2; objects++) {
			lp_buf b = LP_BUF_INIT;
			for (int i = 0; i < depth; i++)
				lp_buf_adds(&b, objects ? "{\"a\":" : "[");
			if (objects)
				lp_buf_addc(&b, '1');
			for (int i = 0; i < depth; i++)
				lp_buf_addc(&b, objects ? '}' : ']');
			bad += !check(b.data, b.len, objects);
			lp_buf_fini(&b);
		}
	return bad;
}

#endif
