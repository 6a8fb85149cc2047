// Copyright sealflow authors.
// Which archive phase a form is filed under (DOMAIN.md "Documents"; Art. 5(7) 改造前、中、后期).
#pragma once

#include "archive/store.h"
#include "forms/inspect.h"

namespace sealflow::workflow {

// Forms in the table get their phase from it. Others: the provider's own file for
// provider-kind forms, "before" for enterprise forms (the first phase of an enterprise's
// archive) until their form type is added to the table.
archive::Phase PhaseFor(const forms::FormInfo& info);

}  // namespace sealflow::workflow
