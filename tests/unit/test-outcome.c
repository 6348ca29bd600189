/*
 * test-outcome.c -- core/outcome.c: the value of the minutes'
 * goal-reached line (spec sections 2 and 9).
 */
#include "tests/unit/tap.h"
#include "core/outcome.h"

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))

static const struct outcome_case {
    const char *in;
    cst_outcome want;
} cases[] = {
    {"yes", CST_OUTCOME_YES},
    {"Yes.", CST_OUTCOME_YES},
    {"YES — the split was agreed", CST_OUTCOME_YES},
    {"reached", CST_OUTCOME_YES},
    {"Achieved", CST_OUTCOME_YES},
    {"- yes", CST_OUTCOME_YES},
    {"**yes**", CST_OUTCOME_YES},
    {"\n\n  yes\n", CST_OUTCOME_YES},
    {"是", CST_OUTCOME_YES},
    {"是的，预算已确定", CST_OUTCOME_YES},
    {"达成", CST_OUTCOME_YES},
    {"已达成", CST_OUTCOME_YES},
    {"partly", CST_OUTCOME_PARTLY},
    {"Partially: the vendor is open", CST_OUTCOME_PARTLY},
    {"in part", CST_OUTCOME_PARTLY},
    {"部分", CST_OUTCOME_PARTLY},
    {"部分达成", CST_OUTCOME_PARTLY},
    {"基本达成", CST_OUTCOME_PARTLY},
    {"no", CST_OUTCOME_NO},
    {"No, postponed", CST_OUTCOME_NO},
    {"not reached", CST_OUTCOME_NO},
    {"Not achieved", CST_OUTCOME_NO},
    {"否", CST_OUTCOME_NO},
    {"未达成", CST_OUTCOME_NO},
    {"没有达成", CST_OUTCOME_NO},
    /* not understood */
    {"", CST_OUTCOME_UNKNOWN},
    {"   \n ", CST_OUTCOME_UNKNOWN},
    {"yesterday we agreed", CST_OUTCOME_UNKNOWN},
    {"nothing decided", CST_OUTCOME_UNKNOWN},
    {"the vendor was chosen", CST_OUTCOME_UNKNOWN},
    {"maybe", CST_OUTCOME_UNKNOWN},
    {"待定", CST_OUTCOME_UNKNOWN},
};

int main(void)
{
    size_t i;

    for (i = 0; i < N_ELEMS(cases); i++)
        tap_int(cst_outcome_parse(cases[i].in, strlen(cases[i].in)),
                cases[i].want, "outcome[%zu]: '%s'", i, cases[i].in);
    tap_int(cst_outcome_parse(NULL, 0), CST_OUTCOME_UNKNOWN, "NULL");
    tap_str(cst_outcome_name(CST_OUTCOME_PARTLY), "partly", "name partly");
    tap_str(cst_outcome_name(CST_OUTCOME_UNKNOWN), "unknown", "name unknown");
    return tap_done();
}
