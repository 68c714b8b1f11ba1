#include <cblas.h>
/* Declared by OpenBLAS; not every cblas.h version exposes them. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
/* Stops OpenBLAS's worker threads (its fork handler uses it); a later multi-threaded call starts them again. */
int blas_thread_shutdown_(void);
