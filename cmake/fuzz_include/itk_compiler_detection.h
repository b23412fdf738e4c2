// Debian's ITK 5.2 ships a compiler detection header generated for GCC only ("Unsupported
// compiler" under clang). The fuzz build (clang) force-includes this shim first (its include guard
// then keeps ITK's own include out): ITK then sees the GCC 12 it was configured with, which names
// no feature clang 14 lacks. Nothing else is affected.
#pragma once
#pragma push_macro("__clang__")
#pragma push_macro("__GNUC__")
#pragma push_macro("__GNUC_MINOR__")
#undef __clang__
#undef __GNUC__
#undef __GNUC_MINOR__
#define __GNUC__ 12
#define __GNUC_MINOR__ 2
#include <itk_compiler_detection.h>
#pragma pop_macro("__GNUC_MINOR__")
#pragma pop_macro("__GNUC__")
#pragma pop_macro("__clang__")
