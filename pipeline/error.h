/* error: logpipe's own error codes. Functions return 0 or a negative value:
 * -errno for system calls, LP_E* for our own conditions. */
#ifndef LP_PIPELINE_ERROR_H
#define LP_PIPELINE_ERROR_H

enum {
	LP_EINVAL = -1000, /* invalid argument or data */
	LP_EPARSE,         /* input could not be parsed */
	LP_ECONFIG,        /* configuration error (already reported) */
	LP_ECLOSED,        /* queue or connection closed */
	LP_ETOOBIG,        /* size limit exceeded */
	LP_ENOTFOUND,      /* named thing does not exist */
	LP_EIO,            /* I/O failure not described by errno */
};

/* Human-readable text for an error code (either kind). Never NULL. */
const char *lp_strerror(int err);

#endif
