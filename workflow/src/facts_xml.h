// Copyright sealflow authors.
// Private: reading a form's XML (Poco DOM) with every failure a FactsError naming the element by
// its path from the root. Shared by facts.cc and dashboard.cc.
#pragma once

#include <Poco/AutoPtr.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workflow/facts.h"

namespace sealflow::workflow::facts_xml {

// A parsed form. Throws FactsError(kMalformed) if the XML is not well-formed, over 16 MiB, has a
// DOCTYPE, or its root is not <form_type> without a namespace.
class Form {
 public:
  Form(const std::string& form_type, const std::string& xml);
  ~Form();
  Form(const Form&) = delete;
  Form& operator=(const Form&) = delete;

  const Poco::XML::Element* root() const { return root_; }
  // "contract/provider/creditCode" (+ "/tail").
  std::string PathOf(const Poco::XML::Element* element, std::string_view tail = {}) const;

  static const Poco::XML::Element* Child(const Poco::XML::Element* parent, std::string_view name);
  static std::vector<const Poco::XML::Element*> Children(const Poco::XML::Element* parent,
                                                         std::string_view name);
  static std::string Trim(const std::string& text);
  static std::string TextOf(const Poco::XML::Element* element);  // trimmed, "" for null

  // Null when any step is missing.
  const Poco::XML::Element* Find(const Poco::XML::Element* from,
                                 std::initializer_list<std::string_view> path) const;
  // Throws kMissingField naming the first missing step.
  const Poco::XML::Element* Need(const Poco::XML::Element* from,
                                 std::initializer_list<std::string_view> path) const;
  // Non-empty trimmed text, else kMissingField.
  std::string Text(const Poco::XML::Element* from,
                   std::initializer_list<std::string_view> path) const;
  std::string OptionalText(const Poco::XML::Element* from,
                           std::initializer_list<std::string_view> path) const;
  std::string Attribute(const Poco::XML::Element* element, const std::string& name) const;
  std::string OptionalAttribute(const Poco::XML::Element* element, const std::string& name) const;
  Date DateOf(const Poco::XML::Element* element) const;
  Date DateAt(const Poco::XML::Element* from, std::initializer_list<std::string_view> path) const;
  std::optional<Date> OptionalDateAt(const Poco::XML::Element* from,
                                     std::initializer_list<std::string_view> path) const;
  Fen YuanAt(const Poco::XML::Element* from, std::initializer_list<std::string_view> path) const;
  bool BoolOf(const Poco::XML::Element* node) const;
  bool BoolAt(const Poco::XML::Element* from, std::initializer_list<std::string_view> path) const;
  int IntOf(const Poco::XML::Element* node, int min, int max) const;
  int IntAt(const Poco::XML::Element* from, std::initializer_list<std::string_view> path, int min,
            int max) const;

 private:
  std::string form_;
  Poco::AutoPtr<Poco::XML::Document> doc_;
  const Poco::XML::Element* root_ = nullptr;
};

}  // namespace sealflow::workflow::facts_xml
