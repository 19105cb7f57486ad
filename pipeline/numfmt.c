#include "pipeline/numfmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* The shortest decimal digits of |d| (finite, non-zero) that read back as d:
 * digits[0..*nd) with d = 0.d1d2... x 10^(*exp10 + 1). */
static void shortest(double d, char digits[24], size_t *nd, int *exp10)
{
	char tmp[40];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, fabs(d));
		if (strtod(tmp, NULL) == fabs(d))
			break;
	}
	/* tmp: d[.ddd]e[+-]XX */
	const char *p = tmp;
	size_t n = 0;
	for (; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			digits[n++] = *p;
	while (n > 1 && digits[n - 1] == '0')
		n--;
	*nd = n;
	*exp10 = atoi(p + 1);
}

/* Writes digits as a plain decimal with at least one fractional digit. */
static void plain(lp_buf *out, const char *digits, size_t nd, int exp10)
{
	if (exp10 >= 0) {
		for (int i = 0; i <= exp10; i++)
			lp_buf_addc(out, (size_t)i < nd ? digits[i] : '0');
		lp_buf_addc(out, '.');
		if ((int)nd > exp10 + 1)
			lp_buf_add(out, digits + exp10 + 1, nd - (size_t)(exp10 + 1));
		else
			lp_buf_addc(out, '0');
	} else {
		lp_buf_adds(out, "0.");
		for (int i = 0; i < -exp10 - 1; i++)
			lp_buf_addc(out, '0');
		lp_buf_add(out, digits, nd);
	}
}

/* Writes d.ddd (at least one fractional digit) before an exponent. */
static void mantissa(lp_buf *out, const char *digits, size_t nd)
{
	lp_buf_addc(out, digits[0]);
	lp_buf_addc(out, '.');
	if (nd > 1)
		lp_buf_add(out, digits + 1, nd - 1);
	else
		lp_buf_addc(out, '0');
}

/* NaN, infinities and zero read the same in both languages. */
static int special(lp_buf *out, double d)
{
	if (isnan(d)) {
		lp_buf_adds(out, "NaN");
		return 1;
	}
	if (isinf(d)) {
		lp_buf_adds(out, d < 0 ? "-Infinity" : "Infinity");
		return 1;
	}
	if (d == 0) {
		lp_buf_adds(out, signbit(d) ? "-0.0" : "0.0");
		return 1;
	}
	return 0;
}

void lp_numfmt_ruby(lp_buf *out, double d)
{
	if (special(out, d))
		return;
	char digits[24];
	size_t nd;
	int exp10;
	shortest(d, digits, &nd, &exp10);
	if (d < 0)
		lp_buf_addc(out, '-');
	int decpt = exp10 + 1;
	if (decpt > -4 && decpt <= 16) {
		plain(out, digits, nd, exp10);
	} else {
		mantissa(out, digits, nd);
		lp_buf_printf(out, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
	}
}

void lp_numfmt_java(lp_buf *out, double d)
{
	if (special(out, d))
		return;
	char digits[24];
	size_t nd;
	int exp10;
	shortest(d, digits, &nd, &exp10);
	if (d < 0)
		lp_buf_addc(out, '-');
	double a = fabs(d);
	if (a >= 1e-3 && a < 1e7) {
		plain(out, digits, nd, exp10);
	} else {
		mantissa(out, digits, nd);
		lp_buf_printf(out, "E%d", exp10);
	}
}
