/* cfgtest: config unit tests for users, `logpipe test DIR...`. A case
 * directory holds pipeline.conf (its filter section is used), in.jsonl (one
 * input event per line) and expected.jsonl (the events that must come out, in
 * order). Expected events are compared as JSON: fields missing from an
 * expected event are not compared (recursively for objects); "__absent__"
 * lists field references that must not exist. A failure prints the case, the
 * event index and a readable difference. A directory without pipeline.conf
 * is searched one level down for cases. */
#ifndef LP_PIPELINE_CFGTEST_H
#define LP_PIPELINE_CFGTEST_H

/* Runs the cases named by argv (argc of them). Prints one line per failing
 * case (and per case with -v) and "N passed, N failed". Returns 0 when all
 * passed, 1 otherwise. */
int lp_cfgtest_main(int argc, char **argv);

#endif
