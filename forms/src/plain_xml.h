// Copyright sealflow authors.
// A parser for plain XML, the subset a form written by a program or a careful person uses:
// UTF-8, an optional XML declaration, elements and attributes without namespaces, character data
// with the five predefined entity references, comments outside the root element. It builds the
// same node structures libxml2's tree uses, in an arena, so the code written against libxml2
// trees (form rules, identity checks) reads them unchanged.
//
// It is one-sided: it returns a tree only for a well-formed document inside the subset, and null
// for everything else — malformed input and anything it does not read (a DOCTYPE, CDATA,
// processing instructions, character references, namespaces, a byte order mark, a comment inside
// an element, a carriage return in a value), which then goes to libxml2 and gets libxml2's
// findings. Part of the validator's fast path (see plain_schema.h).
#pragma once

#include <libxml/tree.h>

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace sealflow::forms::plain {

// Zeroed, 8-byte aligned memory for one document's tree at a time. Reset() frees every block but
// the first, which the next document reuses.
class Arena {
 public:
  static constexpr std::size_t kBlockBytes = 64u << 10;

  void* Allocate(std::size_t bytes);
  void Reset();

 private:
  struct Block {
    std::unique_ptr<unsigned char[]> data;
    std::size_t size = 0;
  };
  std::vector<Block> blocks_;
  std::size_t used_ = 0;  // of blocks_.back()
};

// Elements nest at most this deep in a plain document.
constexpr int kMaxDepth = 64;

// The root element of xml parsed into arena (valid until the arena is reset), or null when xml is
// not a well-formed document in the subset. Blank text between child elements is left out, as
// libxml2's XML_PARSE_NOBLANKS does; an element's text is one text node (references resolved).
const xmlNode* Parse(std::string_view xml, Arena& arena);

}  // namespace sealflow::forms::plain
