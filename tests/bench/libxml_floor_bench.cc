// Copyright sealflow authors.
// What libxml2 alone costs on the two largest forms, without anything of ours: the floor under
// the validator's libxml2 path (BM_ValidateLibxmlPath), which the plain path (forms/src/
// plain_schema.h) goes below for the valid forms it can decide.
//
//   BM_LibxmlFloor/sax_parse/<type>        libxml2 parses the example with empty SAX callbacks: no
//                                          tree, no validation (the least any libxml2 parse costs)
//   BM_LibxmlFloor/tree_parse/<type>       parse to a tree and free it (no validation)
//   BM_LibxmlFloor/stream_validate/<type>  streaming validation (xmlSchemaSAXPlug, no tree)
//                                          against the schema as written
//   BM_LibxmlFloor/tree_validate/<type>    xmlSchemaValidateDoc on a parsed tree, as written,
//                                          parse and free included
//
//   build/bin/sealflow_bench --benchmark_filter=LibxmlFloor
#include <benchmark/benchmark.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <cstring>
#include <memory>
#include <string>

#include "support/test_support.h"

namespace {

using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;

constexpr int kOptions = XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_COMPACT;

void Quiet(void*, xmlErrorPtr) {}

struct Schema {
  xmlSchemaPtr schema = nullptr;
  xmlSchemaValidCtxtPtr valid = nullptr;
  explicit Schema(const std::string& path) {
    xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(path.c_str());
    schema = xmlSchemaParse(parser);
    xmlSchemaFreeParserCtxt(parser);
    valid = schema != nullptr ? xmlSchemaNewValidCtxt(schema) : nullptr;
    if (valid != nullptr) xmlSchemaSetValidStructuredErrors(valid, Quiet, nullptr);
  }
  ~Schema() {
    if (valid != nullptr) xmlSchemaFreeValidCtxt(valid);
    if (schema != nullptr) xmlSchemaFree(schema);
  }
};

// Parses `xml` with `sax` (and its user data); true if well-formed.
bool SaxParse(const std::string& xml, xmlSAXHandlerPtr sax, void* user_data) {
  xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(xml.data(), static_cast<int>(xml.size()));
  if (ctxt == nullptr) return false;
  xmlSAXHandlerPtr own = ctxt->sax;
  ctxt->sax = sax;
  ctxt->userData = user_data;
  xmlCtxtUseOptions(ctxt, kOptions);
  xmlParseDocument(ctxt);
  const bool ok = ctxt->wellFormed != 0;
  ctxt->sax = own;
  ctxt->userData = ctxt;
  xmlFreeParserCtxt(ctxt);
  return ok;
}

void RegisterLibxmlFloor() {
  for (const char* type : {"diagnostic-report", "transformation-plan"}) {
    auto xml = std::make_shared<std::string>(
        ReadFile(SourcePath(std::string("xml-schemas/examples/") + type + ".xml")));
    auto schema = std::make_shared<Schema>(SourcePath(std::string("xml-schemas/") + type + ".xsd"));
    const std::string suffix = std::string("/") + type;
    benchmark::RegisterBenchmark(("BM_LibxmlFloor/sax_parse" + suffix).c_str(),
                                 [xml](benchmark::State& state) {
                                   for (auto _ : state) {
                                     xmlSAXHandler sax;
                                     std::memset(&sax, 0, sizeof sax);
                                     sax.initialized = XML_SAX2_MAGIC;
                                     if (!SaxParse(*xml, &sax, nullptr)) {
                                       state.SkipWithError("not well-formed");
                                     }
                                   }
                                 })
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_LibxmlFloor/tree_parse" + suffix).c_str(),
                                 [xml](benchmark::State& state) {
                                   xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
                                   for (auto _ : state) {
                                     xmlDocPtr doc = xmlCtxtReadMemory(
                                         ctxt, xml->data(), static_cast<int>(xml->size()), nullptr,
                                         nullptr, kOptions);
                                     if (doc == nullptr) state.SkipWithError("not well-formed");
                                     xmlFreeDoc(doc);
                                   }
                                   xmlFreeParserCtxt(ctxt);
                                 })
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_LibxmlFloor/stream_validate" + suffix).c_str(),
                                 [xml, schema](benchmark::State& state) {
                                   for (auto _ : state) {
                                     xmlSAXHandler sax;
                                     std::memset(&sax, 0, sizeof sax);
                                     sax.initialized = XML_SAX2_MAGIC;
                                     xmlSAXHandlerPtr plugged = &sax;
                                     void* user_data = nullptr;
                                     xmlSchemaSAXPlugPtr plug =
                                         xmlSchemaSAXPlug(schema->valid, &plugged, &user_data);
                                     const bool ok = SaxParse(*xml, plugged, user_data);
                                     xmlSchemaSAXUnplug(plug);
                                     if (!ok || xmlSchemaIsValid(schema->valid) != 1)
                                       state.SkipWithError("not valid");
                                   }
                                 })
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(
        ("BM_LibxmlFloor/tree_validate" + suffix).c_str(),
        [xml, schema](benchmark::State& state) {
          xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
          for (auto _ : state) {
            xmlDocPtr doc = xmlCtxtReadMemory(ctxt, xml->data(), static_cast<int>(xml->size()),
                                              nullptr, nullptr, kOptions);
            if (doc == nullptr || xmlSchemaValidateDoc(schema->valid, doc) != 0) {
              state.SkipWithError("not valid");
            }
            xmlFreeDoc(doc);
          }
          xmlFreeParserCtxt(ctxt);
        })
        ->Unit(benchmark::kMicrosecond);
  }
}

// Registered at static initialisation, before sealflow_bench.cc's main() runs the benchmarks.
const bool kRegistered = (RegisterLibxmlFloor(), true);

}  // namespace
