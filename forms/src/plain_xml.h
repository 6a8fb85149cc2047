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
// the first, if that has the default size, which the next document reuses.
class Arena {
 public:
  static constexpr std::size_t kBlockBytes = 64u << 10;

  void* Allocate(std::size_t bytes);
  void Reset();
  // Bytes handed out since the last Reset().
  std::size_t allocated() const { return allocated_; }

 private:
  struct Block {
    std::unique_ptr<unsigned char[]> data;
    std::size_t size = 0;
  };
  std::vector<Block> blocks_;
  std::size_t used_ = 0;  // of blocks_.back()
  std::size_t allocated_ = 0;
};

// Elements nest at most this deep in a plain document, and have at most this many attributes.
constexpr int kMaxDepth = 64;
constexpr int kMaxAttributes = 32;
// A plain document's tree takes at most this much of the arena: a node is 120 bytes, so a
// document of many tiny elements would otherwise need some thirty times its own size.
constexpr std::size_t kMaxTreeBytes = 8u << 20;

// The root element of xml parsed into arena (valid until the arena is reset), or null when xml is
// not a well-formed document in the subset or its nodes would take more than kMaxTreeBytes.
// An element's text is one text node (references resolved). Blank text beside child elements is
// left out. libxml2's XML_PARSE_NOBLANKS leaves out most of it too, but keeps some (a carriage
// return followed by a long blank run); the schema allows blanks there, and the form rules read
// simple values, not the text of an element with children.
const xmlNode* Parse(std::string_view xml, Arena& arena);

}  // namespace sealflow::forms::plain
