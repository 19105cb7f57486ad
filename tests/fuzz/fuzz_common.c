/* fuzz_common: set-up shared by the fuzz targets (see fuzz.h). */
#include "fuzz.h"

#include "pipeline/log.h"
#include "pipeline/mem.h"

#include <stdbool.h>

void fuzz_init(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	setenv("LOGPIPE_FAKE_NOW", FUZZ_NOW, 1);
	setenv("TZ", "UTC", 1);
	/* warnings about bad data would flood the fuzzer's output; FUZZ_LOG=warn
	 * (or info, debug) shows them */
	lp_log_level level = LP_LOG_ERROR;
	const char *want = getenv("FUZZ_LOG");
	if (want)
		lp_log_parse_level(want, &level);
	lp_log_set_level(level);
}
