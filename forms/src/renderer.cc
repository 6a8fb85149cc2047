// Copyright sealflow authors.
#include "forms/renderer.h"

#include <openssl/evp.h>
#include <podofo/podofo.h>

#include <array>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

#include "composer.h"
#include "forms/error.h"
#include "pdf_writer.h"
#include "xml_util.h"

namespace sealflow::forms {
namespace {

using compose::Column;
using compose::Composer;
using compose::kSans;
using compose::kSong;

constexpr const char* kFontFiles[2] = {"wqy-microhei.ttf", "uming.ttf"};
// Fixed subset tags (six capitals + '+', ISO 32000 9.6.4) so output is deterministic.
constexpr const char* kSubsetPrefixes[2] = {"SFLWSA+", "SFLWSB+"};

std::string DefaultFontDir() {
  const char* env = std::getenv("SEALFLOW_FONT_DIR");
  if (env != nullptr && *env != '\0') return env;
  return SEALFLOW_DEFAULT_FONT_DIR;
}

std::string ReadFontFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FormsError(FormsErrorCode::kFont, "cannot read font " + path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in.good() && !in.eof()) throw FormsError(FormsErrorCode::kFont, "cannot read font " + path);
  return bytes.str();
}

PoDoFo::PdfString Utf8(const std::string& text) {
  return PoDoFo::PdfString(reinterpret_cast<const PoDoFo::pdf_utf8*>(text.c_str()));
}

// A PoDoFo buffer over font bytes the Renderer owns: no copy, never freed by PoDoFo. Each
// render makes its own (PdfRefCountedBuffer's count is not atomic); the bytes are only read.
PoDoFo::PdfRefCountedBuffer BorrowBuffer(const std::string& bytes) {
  PoDoFo::PdfRefCountedBuffer buffer(const_cast<char*>(bytes.data()), bytes.size());
  buffer.SetTakePossesion(false);
  return buffer;
}

std::string PdfDate(std::chrono::system_clock::time_point when) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "D:%Y%m%d%H%M%SZ", &utc);
  return text;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw FormsError(FormsErrorCode::kRender, "SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

// "2026-02-20" -> "2026年2月20日" (the schema guarantees the xs:date shape).
std::string ChineseDate(const std::string& iso) {
  if (iso.size() < 10) return iso;
  return iso.substr(0, 4) + "年" + std::to_string(std::atoi(iso.substr(5, 2).c_str())) + "月" +
         std::to_string(std::atoi(iso.substr(8, 2).c_str())) + "日";
}

// ---- The application form (服务商申报书) -------------------------------------------------

struct Application {
  struct Case {
    std::string sub_industry, title, client, year, summary;
  };
  std::string id, schema_version;
  std::string name, credit_code, address, legal_representative, business_scope, capital;
  std::vector<std::string> sub_industries;
  std::string technical_staff, total_staff, response_hours;
  std::vector<std::pair<std::string, bool>> declarations;  // (element, value)
  std::vector<Case> cases;
  std::vector<std::pair<std::string, std::string>> capabilities;  // (area, text)
  std::string contact_name, contact_phone, contact_email, date;
};

Application ReadApplication(const xmlNode* root) {
  using xml::Child;
  using xml::Path;
  using xml::Text;
  using xml::Trim;
  Application app;
  app.id = xml::Attribute(root, "id");
  app.schema_version = xml::Attribute(root, "schemaVersion");
  const xmlNode* provider = Child(root, "provider");
  app.name = Trim(Text(Child(provider, "name")));
  app.credit_code = Trim(Text(Child(provider, "creditCode")));
  app.address = Trim(Text(Child(provider, "address")));
  app.legal_representative = Trim(Text(Child(provider, "legalRepresentative")));
  app.business_scope = Trim(Text(Child(provider, "businessScope")));
  app.capital = Trim(Text(Child(provider, "registeredCapital")));
  for (const xmlNode* node : xml::Children(Child(root, "subIndustries"), "subIndustry")) {
    app.sub_industries.push_back(Trim(Text(node)));
  }
  app.technical_staff = Trim(Text(Path(root, {"staff", "technicalStaff"})));
  app.total_staff = Trim(Text(Path(root, {"staff", "totalStaff"})));
  app.response_hours = Trim(Text(Path(root, {"staff", "onSiteResponseHours"})));
  for (const xmlNode* node = Child(root, "declarations") ? Child(root, "declarations")->children
                                                         : nullptr;
       node != nullptr; node = node->next) {
    if (node->type != XML_ELEMENT_NODE) continue;
    std::string value = Trim(Text(node));
    app.declarations.emplace_back(xml::LocalName(node), value == "true" || value == "1");
  }
  for (const xmlNode* node : xml::Children(Child(root, "cases"), "case")) {
    app.cases.push_back({Trim(xml::Attribute(node, "subIndustry")),
                         Trim(Text(Child(node, "title"))), Trim(Text(Child(node, "client"))),
                         Trim(Text(Child(node, "year"))), Trim(Text(Child(node, "summary")))});
  }
  for (const xmlNode* node : xml::Children(Child(root, "capabilities"), "capability")) {
    app.capabilities.emplace_back(Trim(xml::Attribute(node, "area")), Trim(Text(node)));
  }
  app.contact_name = Trim(Text(Path(root, {"contact", "name"})));
  app.contact_phone = Trim(Text(Path(root, {"contact", "phone"})));
  app.contact_email = Trim(Text(Path(root, {"contact", "email"})));
  app.date = Trim(Text(Child(root, "applicationDate")));
  return app;
}

std::string DeclarationText(const std::string& element) {
  if (element == "notOnAbnormalOperationList") return "未被列入经营异常名录";
  if (element == "notOnSeriousDishonestyList") return "未被列入严重失信主体名单";
  if (element == "noMajorSafetyAccident") return "未发生重大安全事故";
  if (element == "noTaxViolation") return "无偷税漏税等税收违法行为";
  return element;
}

std::string Join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

void ComposeApplication(const Application& app, Composer& page) {
  page.Title("新乡市中小企业数字化转型试点", 19);
  page.Title("数字化服务商申报书", 19);
  page.CenteredLine("申报编号：" + app.id + "　　申报日期：" + ChineseDate(app.date), kSong, 10.5);
  page.Space(2);

  page.Heading("一、申报单位基本情况");
  const std::vector<Column> key_value = {{0.26, kSans, false}, {0.74, kSong, false}};
  page.Table(key_value, {},
             {{"单位名称", app.name},
              {"统一社会信用代码", app.credit_code},
              {"注册地址", app.address},
              {"法定代表人", app.legal_representative},
              {"注册资本", app.capital + " 万元"},
              {"经营范围", app.business_scope},
              {"联系人", app.contact_name},
              {"联系电话", app.contact_phone},
              {"电子邮箱", app.contact_email}});

  page.Heading("二、申报细分行业与服务保障能力");
  page.Table(key_value, {},
             {{"申报细分行业", Join(app.sub_industries, "、")},
              {"技术人员数", app.technical_staff + " 人"},
              {"员工总数", app.total_staff + " 人"},
              {"现场响应时间", "接到需求后 " + app.response_hours + " 小时内到达现场"}});

  page.Heading("三、基本条件承诺（第十条）");
  std::vector<std::vector<std::string>> declarations;
  int number = 0;
  for (const auto& [element, value] : app.declarations) {
    declarations.push_back(
        {std::to_string(++number), DeclarationText(element), value ? "是" : "否"});
  }
  page.Table({{0.1, kSong, true}, {0.7, kSong, false}, {0.2, kSong, true}},
             {"序号", "承诺事项", "是否符合"}, declarations);

  page.Heading("四、数字化改造案例", 90);
  std::vector<std::vector<std::string>> cases;
  number = 0;
  for (const auto& item : app.cases) {
    cases.push_back({std::to_string(++number), item.sub_industry,
                     item.title + "\n服务企业：" + item.client + "\n实施年份：" + item.year,
                     item.summary});
  }
  page.Table({{0.07, kSong, true}, {0.15, kSong, false}, {0.3, kSong, false}, {0.48, kSong, false}},
             {"序号", "细分行业", "案例名称及服务企业", "改造内容与成效"}, cases, 9.5);

  page.Heading("五、八大领域服务能力", 90);
  std::vector<std::vector<std::string>> capabilities;
  for (const auto& [area, text] : app.capabilities) capabilities.push_back({area, text});
  page.Table({{0.2, kSans, true}, {0.8, kSong, false}}, {"领域", "服务能力说明"}, capabilities);

  page.Heading("六、申报承诺", 180);
  page.Paragraph(
      "本单位自愿申报新乡市中小企业数字化转型试点数字化服务商，承诺所填报内容及提供的材料真实、"
      "准确、完整，符合《新乡市数字化服务商管理办法（试行）》第十条规定的基本条件；如有虚假，"
      "愿承担相应责任并接受取消服务商资格等处理。");
  page.Space(4);
  page.SignatureBlocks({{"provider", "申报单位（盖章）", 0, 0, 0, 0, 0},
                        {"county", "县（市、区）工信部门推荐意见", 0, 0, 0, 0, 0}},
                       {{"法定代表人（签字）：", "日期：　　　　年　　月　　日"},
                        {"经办人：", "日期：　　　　年　　月　　日"}},
                       118);
}

// ---- PDF writing -------------------------------------------------------------------------

class RendererImpl final : public Renderer {
 public:
  RendererImpl(const RendererOptions& options, std::unique_ptr<Validator> validator,
               std::array<pdf::FontSource, 2> fonts)
      : options_(options), validator_(std::move(validator)), fonts_(std::move(fonts)) {}

  RenderResult Render(std::string_view xml_text) const override {
    RenderResult result;
    result.report = validator_->Validate(xml_text);
    if (!result.report.ok()) return result;
    if (result.report.form_type != "application") {
      throw FormsError(FormsErrorCode::kUnknownFormType,
                       "no renderer for form type " + result.report.form_type);
    }
    xml::ParseResult parsed = xml::ParseUntrusted(xml_text, options_.validator.max_document_bytes);
    if (parsed.doc == nullptr) throw FormsError(FormsErrorCode::kInvalidForm, "reparse failed");
    Application app = ReadApplication(xmlDocGetRootElement(parsed.doc.get()));

    Composer composer({&fonts_[0].widths, &fonts_[1].widths});
    ComposeApplication(app, composer);
    std::vector<compose::Page> pages =
        composer.Finish("新乡市中小企业数字化转型试点 · 数字化服务商申报书", "申报编号 " + app.id);

    RenderedForm& form = result.form;
    form.form_type = result.report.form_type;
    form.document_id = app.id;
    form.signature_blocks = composer.signature_blocks();
    form.page_count = static_cast<int>(pages.size());
    try {
      form.pdf = Write(pages, app, xml_text);
    } catch (const PoDoFo::PdfError& error) {
      throw FormsError(FormsErrorCode::kRender,
                       std::string("PoDoFo: ") + PoDoFo::PdfError::ErrorName(error.GetError()));
    }
    return result;
  }

 private:
  std::string Write(const std::vector<compose::Page>& pages, const Application& app,
                    std::string_view source) const {
    using namespace PoDoFo;
    PdfMemDocument doc;
    doc.SetPdfVersion(ePdfVersion_1_7);
    pdf::WritePages(doc, pages, {&fonts_[0], &fonts_[1]}, options_.compress_fonts);

    // The source XML as an associated file (PDF 2.0 / PDF/A-3 style): /EmbeddedFiles name tree
    // entry, /AF on the catalog, /AFRelationship /Source, MIME subtype on the stream.
    const std::string file_name = app_file_name_;
    PdfFileSpec spec(file_name.c_str(), reinterpret_cast<const unsigned char*>(source.data()),
                     static_cast<ptrdiff_t>(source.size()), &doc);
    PdfDictionary& spec_dict = spec.GetObject()->GetDictionary();
    spec_dict.AddKey("AFRelationship", PdfName("Source"));
    spec_dict.AddKey("UF", Utf8(file_name));
    spec_dict.AddKey("Desc", Utf8("服务商申报书源数据 / application source XML"));
    PdfObject* ef = spec_dict.GetKey("EF");
    if (ef != nullptr && ef->IsDictionary()) {
      PdfObject* stream = ef->GetDictionary().GetKey("F");
      if (stream != nullptr && stream->IsReference()) {
        stream = doc.GetObjects().GetObject(stream->GetReference());
      }
      if (stream != nullptr) stream->GetDictionary().AddKey("Subtype", PdfName("text/xml"));
    }
    doc.GetNamesTree()->AddValue(PdfName("EmbeddedFiles"), PdfString(file_name),
                                 spec.GetObject()->Reference());
    PdfArray associated;
    associated.push_back(spec.GetObject()->Reference());
    doc.GetCatalog()->GetDictionary().AddKey("AF", associated);

    // Info: fixed dates from the clock and a content hash, so /ID (PoDoFo derives it from the
    // Info dictionary) is deterministic and differs between documents.
    std::string date = PdfDate(options_.clock());
    PdfDictionary& info = doc.GetInfo()->GetObject()->GetDictionary();
    info.AddKey("Title", Utf8("新乡市中小企业数字化转型试点 数字化服务商申报书 " + app.id));
    info.AddKey("Subject", Utf8(app.name));
    info.AddKey("Creator", PdfString("sealflow"));
    info.AddKey("Producer", PdfString("sealflow (PoDoFo 0.9.8)"));
    info.AddKey("CreationDate", PdfString(date));
    info.AddKey("ModDate", PdfString(date));
    info.AddKey("SealflowFormType", PdfString("application"));
    info.AddKey("SealflowDocumentId", PdfString(app.id));
    info.AddKey("SealflowSchemaVersion", PdfString(app.schema_version));
    info.AddKey("SealflowSourceSha256", PdfString(Sha256Hex(source)));

    PdfRefCountedBuffer buffer;
    PdfOutputDevice device(&buffer);
    doc.Write(&device);
    return std::string(buffer.GetBuffer(), device.GetLength());
  }

  RendererOptions options_;
  std::unique_ptr<Validator> validator_;
  std::array<pdf::FontSource, 2> fonts_;  // read and measured once; borrowed per render
  std::string app_file_name_ = "application.xml";
};

// Reads a font once and measures the advance widths of the whole BMP with PoDoFo's FreeType
// metrics (the numbers a PDF viewer sees in /W), so line breaking matches what is drawn.
pdf::FontSource LoadFont(const std::string& dir, std::size_t index) {
  using namespace PoDoFo;
  pdf::FontSource font;
  font.file_name = dir + "/" + kFontFiles[index];
  font.bytes = ReadFontFile(font.file_name);
  font.subset_tag = kSubsetPrefixes[index];
  try {
    PdfMemDocument scratch;
    FT_Library library = scratch.GetFontLibrary();
    PdfFontMetricsFreetype metrics(&library, BorrowBuffer(font.bytes), false, nullptr);
    metrics.SetFontSize(1000.0f);
    for (const char* c = metrics.GetFontname(); c != nullptr && *c != '\0'; ++c) {
      // A PDF name token: keep the PostScript name's printable, non-delimiter characters.
      if (*c > ' ' && *c < 127 &&
          std::string_view("()<>[]{}/%#").find(*c) == std::string_view::npos) {
        font.base_name += *c;
      }
    }
    if (font.base_name.empty()) font.base_name = "Font" + std::to_string(index);
    std::vector<float> widths(0x10000, 0.0f);
    for (char32_t c = 0x20; c < 0x10000; ++c) {
      if (c >= 0xD800 && c <= 0xDFFF) continue;
      widths[c] = static_cast<float>(metrics.UnicodeCharWidth(static_cast<unsigned short>(c)));
    }
    font.widths = layout::FontWidths(std::move(widths), 1000.0f);
  } catch (const PdfError& error) {
    throw FormsError(FormsErrorCode::kFont, "cannot load font " + font.file_name + ": " +
                                                PdfError::ErrorName(error.GetError()));
  }
  return font;
}

}  // namespace

std::unique_ptr<Renderer> Renderer::Create(const RendererOptions& options) {
  auto validator = Validator::Create(options.validator);
  std::string dir = options.font_dir.empty() ? DefaultFontDir() : options.font_dir;
  std::array<pdf::FontSource, 2> fonts = {LoadFont(dir, 0), LoadFont(dir, 1)};
  return std::make_unique<RendererImpl>(options, std::move(validator), std::move(fonts));
}

}  // namespace sealflow::forms
