/* jsonscan: the scan shared by the JSON reader and writer. Pure. */
#ifndef LP_PIPELINE_JSONSCAN_H
#define LP_PIPELINE_JSONSCAN_H

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The first byte in [p, end) that is '"', '\\', below 0x20 or 0x80 and
 * above (the bytes a JSON string cannot carry as they are, or that start a
 * UTF-8 sequence to check), or end. Sixteen bytes at a time with SSE2, eight
 * otherwise. */
static inline const unsigned char *lp_json_plain_end(const unsigned char *p, const unsigned char *end)
{
#if defined(__SSE2__)
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20);
	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* signed: bytes of 0x80 and above are negative, so below 0x20 */
		__m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
					    _mm_cmplt_epi8(v, space));
		unsigned mask = (unsigned)_mm_movemask_epi8(stop);
		if (mask)
			return p + __builtin_ctz(mask);
		p += 16;
	}
#else
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	while (end - p >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		uint64_t quote = w ^ (ones * '"'), bslash = w ^ (ones * '\\');
		uint64_t stop = ((quote - ones) & ~quote) | ((bslash - ones) & ~bslash) | (w - ones * 0x20) | w;
		if (stop & highs)
			break;
		p += 8;
	}
#endif
	while (p < end && *p != '"' && *p != '\\' && *p >= 0x20 && *p < 0x80)
		p++;
	return p;
}

#endif
