// Copyright sealflow authors.
// Test aid for xml_util.cc, free of libxml2 headers so tests can include it: how ParseUntrusted()
// parses an input, written out in full. Private to the forms component and its tests.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sealflow::forms::xml {

struct ParseDump {
  // Every node of the tree (type, name, line, namespace, attributes, content), in document
  // order, or the findings if the input was refused.
  std::string text;
  // True when the tree is the one parsed with stand-ins for non-ASCII character data.
  bool stand_ins = false;
};

// ParseUntrusted(xml, max_bytes) on a fresh parser context; with stand_ins false, the input is
// parsed as given, as before stand-ins existed (the reference the stand-ins must match).
ParseDump DumpParse(std::string_view xml, std::size_t max_bytes, bool stand_ins);

}  // namespace sealflow::forms::xml
