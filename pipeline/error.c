#include "pipeline/error.h"

#include <string.h>

const char *lp_strerror(int err)
{
	switch (err) {
	case LP_EINVAL: return "invalid argument";
	case LP_EPARSE: return "parse error";
	case LP_ECONFIG: return "configuration error";
	case LP_ECLOSED: return "closed";
	case LP_ETOOBIG: return "size limit exceeded";
	case LP_ENOTFOUND: return "not found";
	case LP_EIO: return "input/output error";
	default: break;
	}
	if (err < 0 && err > -4096)
		return strerror(-err);
	return "unknown error";
}
