// The web UI embedded into the binary at build time (cmake/EmbedWebAssets.cmake turns the Vite
// build of web/ into a generated .cc). Empty when built with -DRALLY_EMBED_WEB=OFF; the server
// then serves --web-dir from disk, or a note that the UI is not built.
//
// Thread safety: an immutable static list.
#pragma once

#include <vector>

#include "http/static_files.h"

namespace rally::app {

// Every file of web/dist with its path relative to it ("index.html", "assets/index-1a2b.js").
const std::vector<http::StaticFile>& EmbeddedWebAssets();

}  // namespace rally::app
