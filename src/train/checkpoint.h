/* checkpoint.h - what the epoch loop (train.c) and the checkpoint file (checkpoint.c) share.
 * Internal names are spelled honeT_ (training). */
#ifndef HONE_TRAIN_CHECKPOINT_H
#define HONE_TRAIN_CHECKPOINT_H

#include "hone_internal.h"

/* Optimizer steps in an epoch of n_train rows in batches of `batch` (a batch larger than the
 * training set is the whole set): the loop's count, which a resumed position is checked against. */
long honeT_steps_per_epoch(size_t n_train, int batch);

/* Whether a resumed run may go on from `from`: the same model, configuration and data (train
 * and dev digests given), a position inside the run and an order of rows that is a permutation of
 * the training split's. HONE_ERR_VALUE naming the first difference; HONE_ERR_NOMEM. */
hone_status honeT_resume_check(const hone_train_state *from, const hone_model *model, const hone_split *split,
                               const hone_train_config *config, uint64_t train_checksum, uint64_t dev_checksum,
                               hone_error *err);

#endif
