/* Unit tests for pipeline/numfmt: Ruby Float#to_s and Java Double.toString. */
#include "lp_test.h"
#include "pipeline/numfmt.h"

#include <math.h>

static const char *ruby(double d)
{
	static lp_buf b = LP_BUF_INIT;
	lp_buf_reset(&b);
	lp_numfmt_ruby(&b, d);
	return lp_buf_str(&b);
}

static const char *java(double d)
{
	static lp_buf b = LP_BUF_INIT;
	lp_buf_reset(&b);
	lp_numfmt_java(&b, d);
	return lp_buf_str(&b);
}

static void test_ruby(void)
{
	CHECK_STR(ruby(1.5), "1.5");
	CHECK_STR(ruby(100.0), "100.0");
	CHECK_STR(ruby(-2.25), "-2.25");
	CHECK_STR(ruby(0.1), "0.1");
	CHECK_STR(ruby(0.0001), "0.0001");
	CHECK_STR(ruby(0.00001), "1.0e-05");
	CHECK_STR(ruby(1e15), "1000000000000000.0");
	CHECK_STR(ruby(1e16), "1.0e+16");
	CHECK_STR(ruby(1.5e20), "1.5e+20");
	CHECK_STR(ruby(0.0), "0.0");
	CHECK_STR(ruby(-0.0), "-0.0");
	CHECK_STR(ruby(NAN), "NaN");
	CHECK_STR(ruby(-INFINITY), "-Infinity");
	CHECK_STR(ruby(1234.455), "1234.455");
}

static void test_java(void)
{
	CHECK_STR(java(1.5), "1.5");
	CHECK_STR(java(100.0), "100.0");
	CHECK_STR(java(1e7), "1.0E7");
	CHECK_STR(java(9999999.0), "9999999.0");
	CHECK_STR(java(0.001), "0.001");
	CHECK_STR(java(0.0001), "1.0E-4");
	CHECK_STR(java(-1.5e20), "-1.5E20");
	CHECK_STR(java(0.0), "0.0");
	CHECK_STR(java(INFINITY), "Infinity");
}

int main(void)
{
	LP_RUN(test_ruby);
	LP_RUN(test_java);
	return lp_test_report();
}
