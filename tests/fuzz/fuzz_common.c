/* fuzz_common: set-up shared by the fuzz targets (see fuzz.h). */
#include "fuzz.h"

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
	lp_mem_init_jansson();
}
