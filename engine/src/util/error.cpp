#include "tern/error.h"
// Out-of-line anchor so the exception types have one home for their vtables.
