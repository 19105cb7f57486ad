/* Tests of pipeline/json.c: random sequences of operations applied in
 * parallel to our values and to real jansson's, compared after every step
 * (results, values, key order, dumped text), on the heap and across arenas;
 * and the arena rules of json.h. */
#include "lp_test.h"

#include "jansson_oracle.h"
#include "pipeline/arena.h"
#include "pipeline/mem.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	return lp_test_xorshift(&rng);
}

#define NSLOTS 8

/* Slot i holds j[i] (jansson) and l[i] (ours), the same value. Owners are
 * the heap (NULL) and, in arena runs, two arenas. */
typedef struct model {
	json_t *j[NSLOTS];
	lpj_t *l[NSLOTS];
	lp_arena *arenas[2];
	bool use_arenas;
	int step;
	int mismatches;
	const char *op;
} model;

#define AGREE(m, cond)                                                                          \
	do {                                                                                    \
		if (!(cond)) {                                                                  \
			if ((m)->mismatches++ < 10)                                             \
				fprintf(stderr, "%s:%d: step %d (%s): %s\n", __FILE__, __LINE__, \
					(m)->step, (m)->op, #cond);                             \
		}                                                                               \
	} while (0)

static lp_arena *pick_owner(model *m)
{
	if (!m->use_arenas)
		return NULL;
	uint64_t r = rnd() % 5;
	return r < 2 ? NULL : m->arenas[r == 4];
}

static bool is_singleton(const lpj_t *v)
{
	return lpj_is_boolean(v) || lpj_is_null(v);
}

/* Pointer reachability in one model (target inside from, or from itself). */
static bool reach_j(const json_t *from, const json_t *target)
{
	if (!from)
		return false;
	if (from == target)
		return true;
	if (json_is_object(from)) {
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)from, k, v)
			if (reach_j(v, target))
				return true;
	} else if (json_is_array(from)) {
		for (size_t i = 0; i < json_array_size(from); i++)
			if (reach_j(json_array_get(from, i), target))
				return true;
	}
	return false;
}

static bool reach_l(const lpj_t *from, const lpj_t *target)
{
	if (!from)
		return false;
	if (from == target)
		return true;
	if (lpj_is_object(from)) {
		const char *k;
		lpj_t *v;
		lpj_object_foreach((lpj_t *)from, k, v)
			if (reach_l(v, target))
				return true;
	} else if (lpj_is_array(from)) {
		for (size_t i = 0; i < lpj_array_size(from); i++)
			if (reach_l(lpj_array_get(from, i), target))
				return true;
	}
	return false;
}

/* Every value of the tree has the root's owner (singletons have none). */
static bool one_owner(const lpj_t *v, lp_arena *owner)
{
	if (!v)
		return true;
	if (is_singleton(v))
		return lpj_arena_of(v) == NULL;
	if (lpj_arena_of(v) != owner)
		return false;
	if (lpj_is_object(v)) {
		const char *k;
		lpj_t *x;
		lpj_object_foreach((lpj_t *)v, k, x)
			if (!one_owner(x, owner))
				return false;
	} else if (lpj_is_array(v)) {
		for (size_t i = 0; i < lpj_array_size(v); i++)
			if (!one_owner(lpj_array_get(v, i), owner))
				return false;
	}
	return true;
}

static size_t tree_size(const json_t *j)
{
	size_t n = 1;
	if (json_is_object(j)) {
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)j, k, v)
			n += tree_size(v);
	} else if (json_is_array(j)) {
		for (size_t i = 0; i < json_array_size(j); i++)
			n += tree_size(json_array_get(j, i));
	}
	return n;
}

/* Keys: a pool large enough for objects to outgrow the linear search. */
static const char *pick_key(void)
{
	static char keys[88][16];
	static bool ready;
	if (!ready) {
		for (int i = 0; i < 80; i++)
			snprintf(keys[i], sizeof(keys[i]), i % 2 ? "k%d" : "key_%d_x", i);
		strcpy(keys[80], "");
		strcpy(keys[81], "caf\xc3\xa9");
		strcpy(keys[82], "a\"b\\c");
		strcpy(keys[83], "tab\there");
		strcpy(keys[84], "\xe2\x82\xac");
		strcpy(keys[85], "\xff"); /* not UTF-8: refused */
		strcpy(keys[86], "k\xc3");  /* truncated: refused */
		strcpy(keys[87], "Z");
		ready = true;
	}
	return keys[rnd() % 88];
}

static double pick_real(void)
{
	static const double fixed[] = { 0.0, -0.0, 0.1, 1.0, -2.5, 1e16, 1e17, 1e300, -1e-300, 5e-324,
		1.7976931348623157e308, 123456789012345680.0, 0.30000000000000004, 1e-7, 100.0 };
	switch (rnd() % 4) {
	case 0: return fixed[rnd() % (sizeof(fixed) / sizeof(fixed[0]))];
	case 1: return (double)((int64_t)(rnd() % 2000001) - 1000000) / 1000.0;
	case 2: {
		uint64_t bits = rnd();
		double d;
		memcpy(&d, &bits, sizeof(d));
		return d; /* sometimes NaN or infinite */
	}
	default: return (rnd() % 3 == 0) ? NAN : (rnd() % 2 ? INFINITY : -INFINITY);
	}
}

/* A new value for both models (either may be NULL: both or neither); ours
 * made in owner. */
static void make_value(model *m, lp_arena *owner, json_t **j, lpj_t **l)
{
	lp_arena *prev = lpj_arena_enter(owner);
	switch (rnd() % 12) {
	case 0:
	case 1: {
		static const char pool[] = { 'a', 'b', ' ', '"', '\\', '/', '\n', 0, 0x1f, 0x7f, (char)0xc3,
			(char)0xa9, (char)0xe2, (char)0x82, (char)0xac, (char)0xff, (char)0x80 };
		char s[8];
		size_t n = rnd() % sizeof(s);
		for (size_t i = 0; i < n; i++)
			s[i] = pool[rnd() % sizeof(pool)];
		*j = json_stringn(s, n);
		*l = lpj_stringn(s, n);
		AGREE(m, !*j == !*l);
		if (!memchr(s, 0, n) && rnd() % 2) {
			char z[9];
			memcpy(z, s, n);
			z[n] = '\0';
			json_t *j2 = json_string(z);
			lpj_t *l2 = lpj_string(z);
			AGREE(m, !j2 == !l2);
			json_decref(j2);
			lpj_decref(l2);
		}
		break;
	}
	case 2: {
		static const lpj_int_t fixed[] = { 0, 1, -1, INT64_MAX, INT64_MIN, 42, 1000000 };
		lpj_int_t v = rnd() % 2 ? fixed[rnd() % 7] : (lpj_int_t)rnd();
		*j = json_integer(v);
		*l = lpj_integer(v);
		break;
	}
	case 3: {
		double d = pick_real();
		*j = json_real(d);
		*l = lpj_real(d);
		AGREE(m, !*j == !*l);
		break;
	}
	case 4: {
		int b = (int)(rnd() % 4);
		*j = b == 0 ? json_true() : b == 1 ? json_false() : b == 2 ? json_null() : json_boolean(rnd() % 2);
		*l = b == 0 ? lpj_true() : b == 1 ? lpj_false() : b == 2 ? lpj_null() : lpj_boolean(json_is_true(*j));
		break;
	}
	case 5:
	case 6:
	case 7:
		*j = json_object();
		*l = lpj_object();
		break;
	default:
		*j = json_array();
		*l = lpj_array();
		break;
	}
	lpj_arena_leave(prev);
}

static void put_slot(model *m, int i, json_t *j, lpj_t *l)
{
	json_decref(m->j[i]);
	lpj_decref(m->l[i]);
	m->j[i] = j;
	m->l[i] = l;
}

/* jansson 2.14's json_deep_copy, json_object_update and json_equal look keys
 * up as C strings, so keys with a NUL byte (lpj_object_setn_new_nocheck) get
 * cut short there; ours keep them whole. The jansson side uses these
 * length-aware equivalents for trees that have such keys. */
static bool has_nul_key(const json_t *j)
{
	if (json_is_object(j)) {
		for (void *it = json_object_iter((json_t *)j); it; it = json_object_iter_next((json_t *)j, it))
			if (strlen(json_object_iter_key(it)) != json_object_iter_key_len(it) ||
			    has_nul_key(json_object_iter_value(it)))
				return true;
	} else if (json_is_array(j)) {
		for (size_t i = 0; i < json_array_size(j); i++)
			if (has_nul_key(json_array_get(j, i)))
				return true;
	}
	return false;
}

static json_t *copy_j(const json_t *j)
{
	if (!has_nul_key(j))
		return json_deep_copy(j);
	if (json_is_object(j)) {
		json_t *o = json_object();
		for (void *it = json_object_iter((json_t *)j); it; it = json_object_iter_next((json_t *)j, it))
			json_object_setn_new_nocheck(o, json_object_iter_key(it), json_object_iter_key_len(it),
						     copy_j(json_object_iter_value(it)));
		return o;
	}
	json_t *a = json_array();
	for (size_t i = 0; i < json_array_size(j); i++)
		json_array_append_new(a, copy_j(json_array_get(j, i)));
	return a;
}

static bool equal_j(const json_t *a, const json_t *b)
{
	if (!has_nul_key(a) && !has_nul_key(b))
		return json_equal(a, b);
	if (!a || !b || json_typeof(a) != json_typeof(b))
		return false;
	if (json_is_object(a)) {
		if (json_object_size(a) != json_object_size(b))
			return false;
		for (void *it = json_object_iter((json_t *)a); it; it = json_object_iter_next((json_t *)a, it))
			if (!equal_j(json_object_iter_value(it),
				     json_object_getn(b, json_object_iter_key(it), json_object_iter_key_len(it))))
				return false;
		return true;
	}
	if (json_array_size(a) != json_array_size(b))
		return false;
	for (size_t i = 0; i < json_array_size(a); i++)
		if (!equal_j(json_array_get(a, i), json_array_get(b, i)))
			return false;
	return true;
}

/* What jansson must be given so that it behaves as json.h says ours does:
 * the value itself when container and value share an owner (or the value is
 * a singleton), else a copy. A new reference. */
static json_t *as_stored(const lpj_t *container, const lpj_t *lv, json_t *jv)
{
	if (!lv || is_singleton(lv) || lpj_arena_of(container) == lpj_arena_of(lv))
		return json_incref(jv);
	return copy_j(jv);
}

static void compare_scalars(model *m, int a)
{
	json_t *j = m->j[a];
	lpj_t *l = m->l[a];
	AGREE(m, json_object_size(j) == lpj_object_size(l));
	AGREE(m, json_array_size(j) == lpj_array_size(l));
	AGREE(m, json_string_length(j) == lpj_string_length(l));
	AGREE(m, !json_string_value(j) == !lpj_string_value(l));
	AGREE(m, json_integer_value(j) == lpj_integer_value(l));
	AGREE(m, json_real_value(j) == lpj_real_value(l));
	AGREE(m, json_number_value(j) == lpj_number_value(l));
	AGREE(m, json_is_number(j) == lpj_is_number(l));
	AGREE(m, json_is_boolean(j) == lpj_is_boolean(l));
}

static size_t pick_flags(void)
{
	size_t f = 0;
	if (rnd() % 2)
		f |= LPJ_COMPACT;
	if (rnd() % 3 == 0)
		f |= LPJ_INDENT(rnd() % 5);
	if (rnd() % 2)
		f |= LPJ_SORT_KEYS;
	if (rnd() % 4)
		f |= LPJ_ENCODE_ANY;
	if (rnd() % 4 == 0)
		f |= LPJ_REAL_PRECISION(rnd() % 32);
	return f;
}

/* The dump flags have jansson's numbers (test_jsonio checks), so one set of
 * flags serves both. */
static void compare_dumps(model *m, int a)
{
	size_t f = pick_flags();
	char *js = json_dumps(m->j[a], f);
	char *ls = m->l[a] ? lpj_dumps(m->l[a], f) : NULL;
	AGREE(m, (!js && !ls) || (js && ls && strcmp(js, ls) == 0));
	if (js && ls && strcmp(js, ls) != 0 && m->mismatches < 12)
		fprintf(stderr, "  flags 0x%zx: jansson %s\n  ours    %s\n", f, js, ls);
	free(js);
	lp_free(ls);
}

static void step(model *m)
{
	int a = (int)(rnd() % NSLOTS), b = (int)(rnd() % NSLOTS);
	json_t *ja = m->j[a], *jb = m->j[b];
	lpj_t *la = m->l[a], *lb = m->l[b];
	lp_arena *cur = pick_owner(m);
	lp_arena *prev = lpj_arena_enter(cur);
	const char *key = pick_key();
	size_t idx = rnd() % (json_array_size(ja) + 2);
	json_t *jv;
	lpj_t *lv;
	/* would storing b (or b's members) into a make a loop? */
	bool loop = ja && jb && ja != jb && reach_j(jb, ja);
	AGREE(m, (ja && jb && la != lb && reach_l(lb, la)) == loop);
	switch (rnd() % 25) {
	case 0:
	case 1:
		m->op = "new value";
		make_value(m, pick_owner(m), &jv, &lv);
		put_slot(m, a, jv, lv);
		break;
	case 2:
	case 3:
		m->op = "object_set_new";
		make_value(m, pick_owner(m), &jv, &lv);
		AGREE(m, json_object_set_new(ja, key, jv) == lpj_object_set_new(la, key, lv));
		break;
	case 4:
		m->op = "object_set";
		if (loop)
			break;
		if (!ja || !jb) {
			AGREE(m, json_object_set(ja, key, jb) == lpj_object_set(la, key, lb));
			break;
		}
		jv = as_stored(la, lb, jb);
		AGREE(m, json_object_set_new(ja, key, jv) == lpj_object_set(la, key, lb));
		break;
	case 5: {
		m->op = "object_setn_new_nocheck";
		static const char nk[][4] = { "a\0b", "\0\0\0", "ab\0" };
		const char *k = nk[rnd() % 3];
		size_t kl = 1 + rnd() % 3;
		make_value(m, pick_owner(m), &jv, &lv);
		AGREE(m, json_object_setn_new_nocheck(ja, k, kl, jv) == lpj_object_setn_new_nocheck(la, k, kl, lv));
		AGREE(m, !json_object_getn(ja, k, kl) == !lpj_object_getn(la, k, kl));
		break;
	}
	case 6:
		m->op = "object_get";
		jv = json_object_get(ja, key);
		lv = lpj_object_get(la, key);
		AGREE(m, oracle_same(jv, lv, true));
		if (jv && rnd() % 2)
			put_slot(m, b, json_incref(jv), lpj_incref(lv));
		break;
	case 7:
		m->op = "object_del";
		AGREE(m, json_object_del(ja, key) == lpj_object_del(la, key));
		AGREE(m, json_object_get(ja, key) == NULL && lpj_object_get(la, key) == NULL);
		break;
	case 8: {
		m->op = "object_update";
		if (loop)
			break;
		int want = json_is_object(ja) && json_is_object(jb) ? 0 : -1;
		if (want == 0) {
			/* member by member, as stored in a (keys whole) */
			json_t *copy = json_object();
			void *li = lpj_object_iter(lb);
			for (void *it = json_object_iter(jb); it; it = json_object_iter_next(jb, it)) {
				json_t *x = as_stored(la, lpj_object_iter_value(li), json_object_iter_value(it));
				json_object_setn_new_nocheck(copy, json_object_iter_key(it),
							     json_object_iter_key_len(it), x);
				li = lpj_object_iter_next(lb, li);
			}
			for (void *it = json_object_iter(copy); it; it = json_object_iter_next(copy, it))
				json_object_setn_nocheck(ja, json_object_iter_key(it), json_object_iter_key_len(it),
							 json_object_iter_value(it));
			json_decref(copy);
		} else {
			AGREE(m, json_object_update(ja, jb) == -1);
		}
		AGREE(m, lpj_object_update(la, lb) == want);
		break;
	}
	case 9:
		m->op = "object_clear";
		AGREE(m, json_object_clear(ja) == lpj_object_clear(la));
		break;
	case 10:
	case 11:
		m->op = "array_append_new";
		make_value(m, pick_owner(m), &jv, &lv);
		AGREE(m, json_array_append_new(ja, jv) == lpj_array_append_new(la, lv));
		break;
	case 12:
		m->op = "array_append";
		if (loop)
			break;
		if (!ja || !jb) {
			AGREE(m, json_array_append(ja, jb) == lpj_array_append(la, lb));
			break;
		}
		jv = as_stored(la, lb, jb);
		AGREE(m, json_array_append_new(ja, jv) == lpj_array_append(la, lb));
		break;
	case 13:
		m->op = "array_insert_new";
		make_value(m, pick_owner(m), &jv, &lv);
		AGREE(m, json_array_insert_new(ja, idx, jv) == lpj_array_insert_new(la, idx, lv));
		break;
	case 14:
		m->op = "array_set_new";
		make_value(m, pick_owner(m), &jv, &lv);
		AGREE(m, json_array_set_new(ja, idx, jv) == lpj_array_set_new(la, idx, lv));
		break;
	case 15:
		m->op = "array_remove";
		AGREE(m, json_array_remove(ja, idx) == lpj_array_remove(la, idx));
		break;
	case 16: {
		m->op = "array_extend";
		if (loop)
			break;
		int want = json_is_array(ja) && json_is_array(jb) ? 0 : -1;
		if (want == 0) {
			json_t *copy = json_array();
			for (size_t i = 0; i < json_array_size(jb); i++)
				json_array_append_new(copy, as_stored(la, lpj_array_get(lb, i), json_array_get(jb, i)));
			json_array_extend(ja, copy);
			json_decref(copy);
		} else {
			AGREE(m, json_array_extend(ja, jb) == -1);
		}
		AGREE(m, lpj_array_extend(la, lb) == want);
		break;
	}
	case 17:
		m->op = "array_clear";
		AGREE(m, json_array_clear(ja) == lpj_array_clear(la));
		break;
	case 18:
		m->op = "array_get";
		jv = json_array_get(ja, idx);
		lv = lpj_array_get(la, idx);
		AGREE(m, oracle_same(jv, lv, true));
		if (jv && rnd() % 2)
			put_slot(m, b, json_incref(jv), lpj_incref(lv));
		break;
	case 19:
	case 20:
		m->op = "deep_copy";
		jv = copy_j(ja);
		lv = lpj_deep_copy(la);
		AGREE(m, oracle_same(jv, lv, true));
		AGREE(m, !lv || is_singleton(lv) || lpj_arena_of(lv) == cur);
		AGREE(m, !lv || lv != la || is_singleton(lv));
		AGREE(m, one_owner(lv, lpj_arena_of(lv)));
		put_slot(m, b, jv, lv);
		break;
	case 21:
		m->op = "equal";
		AGREE(m, equal_j(ja, jb) == lpj_equal(la, lb));
		AGREE(m, equal_j(ja, ja) == lpj_equal(la, la));
		if (ja) {
			json_t *jc = copy_j(ja);
			lp_arena *p = lpj_arena_enter(pick_owner(m));
			lpj_t *lc = lpj_deep_copy(la);
			lpj_arena_leave(p);
			AGREE(m, equal_j(ja, jc) && lpj_equal(la, lc));
			AGREE(m, equal_j(jb, jc) == lpj_equal(lb, lc));
			json_decref(jc);
			lpj_decref(lc);
		}
		break;
	case 22:
		m->op = "self insert";
		/* a container into itself is refused */
		AGREE(m, json_object_set(ja, key, ja) == lpj_object_set(la, key, la));
		AGREE(m, json_array_append(ja, ja) == lpj_array_append(la, la));
		AGREE(m, json_array_insert(ja, 0, ja) == lpj_array_insert_new(la, 0, lpj_incref(la)));
		if (json_array_size(ja))
			AGREE(m, json_array_set(ja, 0, ja) == lpj_array_set_new(la, 0, lpj_incref(la)));
		break;
	case 23: {
		m->op = "object fill"; /* large objects: the hash index */
		int n = (int)(rnd() % 80);
		for (int i = 0; i < n; i++) {
			const char *k = pick_key();
			lpj_int_t x = (lpj_int_t)(rnd() % 100);
			AGREE(m, json_object_set_new(ja, k, json_integer(x)) ==
					 lpj_object_set_new(la, k, lpj_integer(x)));
			if (rnd() % 4 == 0) {
				k = pick_key();
				AGREE(m, json_object_del(ja, k) == lpj_object_del(la, k));
			}
		}
		break;
	}
	default:
		m->op = "scalars";
		compare_scalars(m, a);
		break;
	}
	lpj_arena_leave(prev);
	AGREE(m, oracle_same(m->j[a], m->l[a], true));
	AGREE(m, oracle_same(m->j[b], m->l[b], true));
	AGREE(m, one_owner(m->l[a], lpj_arena_of(m->l[a])));
	compare_dumps(m, a);
	/* keep trees small enough to compare often */
	if (tree_size(m->j[a]) > 600)
		put_slot(m, a, NULL, NULL);
}

static void run_model(bool use_arenas, int steps, uint64_t seed)
{
	model m;
	memset(&m, 0, sizeof(m));
	rng = seed;
	m.use_arenas = use_arenas;
	if (use_arenas) {
		m.arenas[0] = lp_arena_create();
		m.arenas[1] = lp_arena_create();
	}
	for (m.step = 0; m.step < steps; m.step++) {
		step(&m);
		if (m.step % 64 == 0)
			for (int i = 0; i < NSLOTS; i++)
				AGREE(&m, oracle_same(m.j[i], m.l[i], true));
	}
	for (int i = 0; i < NSLOTS; i++)
		put_slot(&m, i, NULL, NULL);
	lp_arena_unref(m.arenas[0]);
	lp_arena_unref(m.arenas[1]);
	CHECK_INT(m.mismatches, 0);
}

static void test_differential_heap(void)
{
	run_model(false, 100000, 0x2545f4914f6cdd1dull);
}

static void test_differential_arenas(void)
{
	run_model(true, 100000, 0x94d049bb133111ebull);
}

/* The operations the random runs reach rarely, one by one. */
static void test_objects_in_detail(void)
{
	json_t *j = json_object();
	lpj_t *l = lpj_object();
	char k[16];
	/* grow past the linear search, delete every third, re-add some */
	for (int i = 0; i < 100; i++) {
		snprintf(k, sizeof(k), "key%d", i);
		CHECK_INT(lpj_object_set_new(l, k, lpj_integer(i)), json_object_set_new(j, k, json_integer(i)));
	}
	for (int i = 0; i < 100; i += 3) {
		snprintf(k, sizeof(k), "key%d", i);
		CHECK_INT(lpj_object_del(l, k), json_object_del(j, k));
		CHECK_INT(lpj_object_del(l, k), -1);
	}
	for (int i = 0; i < 100; i += 6) {
		snprintf(k, sizeof(k), "key%d", i);
		lpj_object_set_new(l, k, lpj_string(k));
		json_object_set_new(j, k, json_string(k));
	}
	/* replacing keeps the position */
	lpj_object_set_new(l, "key1", lpj_null());
	json_object_set_new(j, "key1", json_null());
	CHECK(oracle_same(j, l, true));
	CHECK_INT(lpj_object_size(l), json_object_size(j));
	for (int i = 0; i < 100; i++) {
		snprintf(k, sizeof(k), "key%d", i);
		CHECK(oracle_same(json_object_get(j, k), lpj_object_get(l, k), true));
	}
	CHECK(lpj_object_get(l, "missing") == NULL);
	CHECK(lpj_object_get(l, NULL) == NULL);
	CHECK(lpj_object_getn(l, "key10", 4) == lpj_object_get(l, "key1"));
	/* setting an existing key while iterating keeps the iterator valid */
	const char *key;
	lpj_t *val;
	size_t n = 0;
	lpj_object_foreach(l, key, val) {
		lpj_object_set_new(l, key, lpj_integer((lpj_int_t)n));
		n++;
	}
	CHECK_INT(n, lpj_object_size(l));
	n = 0;
	json_t *jval;
	json_object_foreach(j, key, jval) json_object_set_new(j, key, json_integer((json_int_t)n++));
	CHECK(oracle_same(j, l, true));
	char *a = json_dumps(j, 0), *b = lpj_dumps(l, 0);
	CHECK_STR(b, a);
	free(a);
	lp_free(b);
	/* wrong arguments: -1, the value released */
	CHECK_INT(lpj_object_set_new(l, NULL, lpj_integer(1)), -1);
	CHECK_INT(lpj_object_set_new(l, "\xff", lpj_integer(1)), -1);
	CHECK_INT(lpj_object_set_new(l, "x", NULL), -1);
	lpj_t *arr = lpj_array();
	CHECK_INT(lpj_object_set_new(arr, "x", lpj_string("s")), -1);
	CHECK_INT(lpj_object_update(l, arr), -1);
	CHECK_INT(lpj_object_update(arr, l), -1);
	CHECK_INT(lpj_object_clear(arr), -1);
	CHECK_INT(lpj_object_del(arr, "x"), -1);
	CHECK(lpj_object_iter(arr) == NULL);
	/* clear empties, iteration then ends at once */
	CHECK_INT(lpj_object_clear(l), 0);
	CHECK_INT(json_object_clear(j), 0);
	CHECK(lpj_object_iter(l) == NULL);
	CHECK(oracle_same(j, l, true));
	lpj_decref(arr);
	lpj_decref(l);
	json_decref(j);
}

static void test_arrays_in_detail(void)
{
	json_t *j = json_array();
	lpj_t *l = lpj_array();
	for (int i = 0; i < 50; i++) {
		CHECK_INT(lpj_array_insert_new(l, (size_t)i / 2, lpj_integer(i)),
			  json_array_insert_new(j, (size_t)i / 2, json_integer(i)));
	}
	CHECK_INT(lpj_array_insert_new(l, 51, lpj_integer(0)), -1);
	CHECK_INT(lpj_array_set_new(l, 50, lpj_integer(0)), -1);
	CHECK_INT(lpj_array_remove(l, 50), -1);
	CHECK_INT(lpj_array_set_new(l, 3, lpj_string("three")), json_array_set_new(j, 3, json_string("three")));
	CHECK_INT(lpj_array_remove(l, 0), json_array_remove(j, 0));
	CHECK_INT(lpj_array_remove(l, 48), json_array_remove(j, 48));
	CHECK_INT(lpj_array_extend(l, l), json_array_extend(j, j));
	CHECK_INT(lpj_array_size(l), 96);
	CHECK(oracle_same(j, l, true));
	CHECK(lpj_array_get(l, 96) == NULL);
	size_t i;
	lpj_t *v;
	lpj_int_t sum = 0, want = 0;
	lpj_array_foreach(l, i, v) sum += lpj_integer_value(v);
	for (i = 0; i < json_array_size(j); i++)
		want += json_integer_value(json_array_get(j, i));
	CHECK_INT(sum, want);
	lpj_t *obj = lpj_object();
	CHECK_INT(lpj_array_append_new(obj, lpj_integer(1)), -1);
	CHECK_INT(lpj_array_extend(l, obj), -1);
	CHECK_INT(lpj_array_clear(obj), -1);
	CHECK_INT(lpj_array_append_new(l, NULL), -1);
	CHECK_INT(lpj_array_clear(l), 0);
	CHECK_INT(lpj_array_size(l), 0);
	lpj_decref(obj);
	lpj_decref(l);
	json_decref(j);
}

static void test_scalars(void)
{
	/* strings: NUL bytes kept with a length, invalid UTF-8 refused */
	lpj_t *s = lpj_stringn("a\0b", 3);
	CHECK_INT(lpj_string_length(s), 3);
	CHECK(memcmp(lpj_string_value(s), "a\0b", 4) == 0);
	lpj_decref(s);
	CHECK(lpj_string(NULL) == NULL);
	CHECK(lpj_stringn(NULL, 0) == NULL);
	CHECK(lpj_string("\xc3") == NULL);
	CHECK(lpj_stringn("\xed\xa0\x80", 3) == NULL);
	s = lpj_string_nocheck("\xff");
	CHECK(lpj_is_string(s) && lpj_string_length(s) == 1);
	lpj_decref(s);
	/* reals: no NaN or infinities */
	CHECK(lpj_real(NAN) == NULL);
	CHECK(lpj_real(INFINITY) == NULL);
	CHECK(lpj_real(-INFINITY) == NULL);
	lpj_t *r = lpj_real(-0.0);
	CHECK(lpj_is_real(r) && signbit(lpj_real_value(r)));
	lpj_decref(r);
	/* getters of the wrong type */
	lpj_t *i = lpj_integer(INT64_MIN);
	CHECK(lpj_integer_value(i) == INT64_MIN);
	CHECK(lpj_real_value(i) == 0.0);
	CHECK(lpj_number_value(i) == (double)INT64_MIN);
	CHECK(lpj_string_value(i) == NULL);
	CHECK_INT(lpj_string_length(i), 0);
	CHECK_INT(lpj_object_size(i), 0);
	CHECK_INT(lpj_array_size(i), 0);
	/* equality: types matter, key order does not */
	lpj_t *one = lpj_integer(1), *onef = lpj_real(1.0);
	CHECK(!lpj_equal(one, onef));
	CHECK(!lpj_equal(one, NULL));
	CHECK(!lpj_equal(NULL, NULL));
	CHECK(json_equal(NULL, NULL) == lpj_equal(NULL, NULL));
	lpj_t *x = lpj_pack("{s:i,s:[i,b]}", "a", 1, "b", 2, 1);
	lpj_t *y = lpj_pack("{s:[i,b],s:i}", "b", 2, 1, "a", 1);
	CHECK(lpj_equal(x, y));
	lpj_object_set_new(y, "c", lpj_null());
	CHECK(!lpj_equal(x, y));
	CHECK(!lpj_equal(y, x));
	/* singletons */
	CHECK(lpj_true() == lpj_boolean(true) && lpj_false() == lpj_boolean(false));
	CHECK(lpj_incref(lpj_null()) == lpj_null());
	lpj_decref(lpj_null());
	CHECK(lpj_is_null(lpj_null()));
	lpj_decref(x);
	lpj_decref(y);
	lpj_decref(one);
	lpj_decref(onef);
	lpj_decref(i);
}

/* Reference counts on the heap: shared values stay alive while referenced. */
static void test_heap_references(void)
{
	lpj_t *child = lpj_pack("{s:s}", "k", "v");
	lpj_t *a = lpj_object(), *b = lpj_array();
	CHECK_INT(lpj_object_set(a, "c", child), 0);
	CHECK_INT(lpj_array_append(b, child), 0);
	CHECK(lpj_object_get(a, "c") == child); /* same owner: shared, not copied */
	CHECK(lpj_array_get(b, 0) == child);
	CHECK_INT(child->own.refcount, 3);
	lpj_decref(child);
	lpj_decref(a);
	CHECK_INT(child->own.refcount, 1);
	CHECK_STR(lpj_string_value(lpj_object_get(child, "k")), "v");
	lpj_decref(b); /* frees child: ASan reports a leak or double free otherwise */
}

static void test_arena_rules(void)
{
	lp_arena *a = lp_arena_create(), *other = lp_arena_create();
	lp_arena *prev = lpj_arena_enter(a);
	CHECK(prev == NULL);
	lpj_t *obj = lpj_object(), *arr = lpj_array(), *str = lpj_string("s"), *in = lpj_integer(7),
	      *re = lpj_real(1.5), *sn = lpj_stringn("x\0y", 3);
	CHECK(lpj_arena_of(obj) == a && lpj_arena_of(arr) == a && lpj_arena_of(str) == a);
	CHECK(lpj_arena_of(in) == a && lpj_arena_of(re) == a && lpj_arena_of(sn) == a);
	CHECK(lpj_arena_of(lpj_true()) == NULL && lpj_arena_of(lpj_null()) == NULL);
	CHECK(lpj_arena_of(NULL) == NULL);
	lpj_t *packed = lpj_pack("{s:[i,s]}", "p", 1, "q");
	CHECK(lpj_arena_of(packed) == a && one_owner(packed, a));
	lpj_t *loaded = lpj_loads("{\"l\":[1,2.5,\"x\",{}]}", 0, NULL);
	CHECK(lpj_arena_of(loaded) == a && one_owner(loaded, a));
	/* nested enter/leave */
	lp_arena *p2 = lpj_arena_enter(NULL);
	CHECK(p2 == a);
	lpj_t *heap = lpj_pack("{s:s,s:[i]}", "h", "heap", "n", 3);
	CHECK(lpj_arena_of(heap) == NULL);
	lpj_arena_leave(p2);
	/* a heap value into an arena container: a copy in the arena, the heap
	 * value left as it was (set) or released (set_new) */
	CHECK_INT(lpj_object_set(obj, "heap", heap), 0);
	lpj_t *stored = lpj_object_get(obj, "heap");
	CHECK(stored != heap && lpj_arena_of(stored) == a && one_owner(stored, a));
	CHECK(lpj_equal(stored, heap));
	CHECK_INT(heap->own.refcount, 1);
	lpj_t *heap2 = lpj_deep_copy(heap); /* made in a: the current arena */
	CHECK(lpj_arena_of(heap2) == a);
	lpj_arena_enter(NULL);
	lpj_t *heap3 = lpj_deep_copy(heap);
	CHECK(lpj_arena_of(heap3) == NULL);
	lpj_arena_enter(a);
	CHECK_INT(lpj_array_append_new(arr, heap3), 0); /* released: ASan reports a leak otherwise */
	CHECK(lpj_arena_of(lpj_array_get(arr, 0)) == a);
	CHECK_INT(lpj_array_insert_new(arr, 0, lpj_incref(heap)), 0);
	CHECK(lpj_array_get(arr, 0) != heap && lpj_arena_of(lpj_array_get(arr, 0)) == a);
	CHECK_INT(heap->own.refcount, 1);
	/* an arena value into another arena's container: a copy there */
	lpj_arena_enter(other);
	lpj_t *oobj = lpj_object();
	lpj_arena_leave(a);
	CHECK_INT(lpj_object_set(oobj, "from_a", loaded), 0);
	CHECK(lpj_object_get(oobj, "from_a") != loaded);
	CHECK(one_owner(oobj, other) && lpj_equal(lpj_object_get(oobj, "from_a"), loaded));
	/* an arena value into a heap container: a heap copy, which outlives the arena */
	CHECK_INT(lpj_object_set(heap, "from_arena", loaded), 0);
	CHECK_INT(lpj_array_set_new(lpj_object_get(heap, "n"), 0, str), 0);
	lpj_object_update(heap, packed);
	CHECK(one_owner(heap, NULL));
	CHECK(lpj_object_get(heap, "from_arena") != loaded);
	/* incref/decref on arena values do nothing */
	CHECK(lpj_incref(obj) == obj);
	for (int i = 0; i < 5; i++)
		lpj_decref(obj);
	lpj_decref(in);
	CHECK_INT(lpj_object_size(obj), 1);
	CHECK_INT(lpj_integer_value(in), 7);
	CHECK(lpj_equal(lpj_object_get(obj, "heap"), heap2));
	/* moving a subtree within one arena shares it */
	CHECK_INT(lpj_object_set(obj, "arr", arr), 0);
	CHECK(lpj_object_get(obj, "arr") == arr);
	lpj_arena_leave(NULL);
	lp_arena_unref(a);
	lp_arena_unref(other);
	/* what was copied out lives on the heap */
	char *s = lpj_dumps(heap, LPJ_COMPACT | LPJ_SORT_KEYS);
	CHECK_STR(s, "{\"from_arena\":{\"l\":[1,2.5,\"x\",{}]},\"h\":\"heap\",\"n\":[\"s\"],\"p\":[1,\"q\"]}");
	lp_free(s);
	lpj_decref(heap);
}

int main(void)
{
	LP_RUN(test_scalars);
	LP_RUN(test_objects_in_detail);
	LP_RUN(test_arrays_in_detail);
	LP_RUN(test_heap_references);
	LP_RUN(test_arena_rules);
	LP_RUN(test_differential_heap);
	LP_RUN(test_differential_arenas);
	return lp_test_report();
}
