/* confusion.h - a classifier's confusion matrix as hone eval --confusion prints it. */
#ifndef HONE_CLI_CONFUSION_H
#define HONE_CLI_CONFUSION_H

#include <stddef.h>
#include <stdio.h>

/* The matrix counts [C, C] (hone_model_confusion's: a row a true class, a column the class taken)
 * as text: the matrix itself for up to CLI_CONFUSION_SHOWN classes, with each class's recall
 * (its rows taken for it) and precision (the rows taken for it that are it), then the pairs most
 * often confused. */
#define CLI_CONFUSION_SHOWN 20
void cli_confusion_text(FILE *out, const size_t *counts, int C);
/* The same as JSON members, after a comma: "confusion" (an array a true class), "recall" and
 * "precision" (null for a class without rows, or never predicted). */
void cli_confusion_json(FILE *out, const size_t *counts, int C);

#endif
