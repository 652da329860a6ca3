#include "base/thread_name.h"

#include <pthread.h>

#include <string>

namespace rally {

void SetThreadName(std::string_view name) {
#if defined(__linux__)
  std::string cut(name.substr(0, 15));
  pthread_setname_np(pthread_self(), cut.c_str());
#else
  (void)name;
#endif
}

}  // namespace rally
