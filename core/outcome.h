/*
 * outcome.h -- whether a meeting reached its goal, as its minutes say
 * (spec sections 2 and 9: the "Goal reached" / "Outcome" / "目标达成"
 * heading inside the minutes).
 */
#ifndef CST_OUTCOME_H
#define CST_OUTCOME_H

#include <stddef.h>

typedef enum cst_outcome {
    CST_OUTCOME_UNKNOWN = 0, /* no such heading, or a value not understood */
    CST_OUTCOME_YES,
    CST_OUTCOME_PARTLY,
    CST_OUTCOME_NO
} cst_outcome;

/*
 * Reads the text of a goal-reached section (the heading's own line after
 * the colon, or the first non-blank line below it).  The value is the
 * start of that line, after a list marker and '*' / '_' decoration,
 * compared without case:
 *   yes:    yes, y, reached, achieved, met, done, fully, 是, 是的, 达成,
 *           已达成, 完全达成, 全部达成, 达到, 已达到, 完成
 *   partly: partly, partially, partial, in part, somewhat, mostly, 部分,
 *           部分达成, 部分达到, 基本达成, 基本达到
 *   no:     no, n, not reached, not achieved, not met, not yet, missed,
 *           failed, 否, 未达成, 未达到, 没有达成, 没达成, 未完成, 没有
 * An English word must end there ("yesterday" is no "yes"); anything may
 * follow it ("yes — the budget split was agreed").  Anything else, free
 * text such as "Outcome: the vendor was chosen", is unknown.
 *
 * Returns the outcome; never fails.  text may be NULL.
 */
cst_outcome cst_outcome_parse(const char *text, size_t len);

/* Returns "yes", "partly", "no" or "unknown". */
const char *cst_outcome_name(cst_outcome o);

#endif /* CST_OUTCOME_H */
