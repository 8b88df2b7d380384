/* option_reads.h - which of train's options a run reads only under another option's value. */
#ifndef HONE_CLI_OPTION_READS_H
#define HONE_CLI_OPTION_READS_H

#include <stdbool.h>

/* The options (one or two, into by; by[1] NULL for one) whose values decide whether a run reads
 * option, as the command line spells it without "--" ("alpha", "decay-rate"): activation for
 * alpha, the optimizer and the schedule for their settings (hone_optimizer_reads and
 * hone_schedule_reads), and so on. 0 for an option every run reads. */
int cli_option_deciders(const char *option, const char *by[2]);

/* Whether a run reads option, given each deciding option's value as text (value_of (by, ctx):
 * "leaky_relu", "adam", "true" or "false" for a flag, a number; NULL for one not known). A value
 * not known, or one train would refuse, counts as reading it: what refuses it says why. True for
 * an option every run reads. */
bool cli_option_read(const char *option, const char *(*value_of)(const char *by, void *ctx), void *ctx);

#endif
