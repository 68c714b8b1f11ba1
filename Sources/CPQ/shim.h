#include <libpq-fe.h>

// PG_DIAG_* are character-literal macros, which Swift does not import.
static const int CPQ_DIAG_SQLSTATE = PG_DIAG_SQLSTATE;
static const int CPQ_DIAG_MESSAGE_PRIMARY = PG_DIAG_MESSAGE_PRIMARY;
