// The umbrella header of the CKernels module: every public header, listed so that adding one
// changes this file and rebuilds the module (an umbrella folder is not rescanned by
// incremental builds).
#include "activations.h"
#include "attention.h"
#include "cpufeatures.h"
#include "gemm.h"
#include "keccak256.h"
#include "sha256pair.h"
