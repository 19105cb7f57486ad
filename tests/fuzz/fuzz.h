/* fuzz: what every fuzz target in tests/fuzz shares. A target defines
 * LLVMFuzzerTestOneInput over one pure piece of logpipe and checks the
 * invariants of that piece with FUZZ_CHECK, which aborts (so that libFuzzer
 * and the corpus replay both report the input) with the failed condition. */
#ifndef LP_TESTS_FUZZ_FUZZ_H
#define LP_TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The pinned clock every target runs under, so that renderings that read
 * the current time are deterministic. */
#define FUZZ_NOW "2024-03-01T12:00:00.000Z"

#define FUZZ_CHECK(cond)                                                                 \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                  \
			abort();                                                         \
		}                                                                        \
	} while (0)

/* Once per process: pins the clock (LOGPIPE_FAKE_NOW) and logs only errors
 * (FUZZ_LOG=warn in the environment shows warnings too). */
void fuzz_init(void);

#endif
