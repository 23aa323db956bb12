"""The generator's own checks, standard library only (`make models-check` runs them first):
deterministic output, `--check` failing on any drift and naming the file, schema errors."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import tempfile
import unittest
from pathlib import Path

import generate


class GeneratorTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="antom-models-"))
        self.crate = self.tmp / "crates" / "antom-models"
        (self.crate / "schema").mkdir(parents=True)
        shutil.copy(generate.CRATE / "schema" / "models.json", self.crate / "schema" / "models.json")
        self.saved = generate.ROOT, generate.CRATE
        generate.ROOT, generate.CRATE = self.tmp, self.crate

    def tearDown(self) -> None:
        generate.ROOT, generate.CRATE = self.saved
        shutil.rmtree(self.tmp)

    def run_main(self, *args: str) -> "tuple[int, str]":
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = generate.main(["generate.py", *args])
        return code, out.getvalue() + err.getvalue()

    def test_check_fails_until_generated_then_on_any_drift(self) -> None:
        code, text = self.run_main("--check")
        self.assertEqual(code, 1)
        self.assertIn("crates/antom-models/src/models.rs", text)
        self.assertFalse((self.crate / "src").exists(), "--check writes nothing")
        self.assertEqual(self.run_main()[0], 0)
        self.assertEqual(self.run_main("--check")[0], 0)
        swift = self.tmp / "bindings" / "swift" / "Sources" / "AntomCore" / "Models.swift"
        swift.write_text(swift.read_text() + " ", encoding="utf-8")
        code, text = self.run_main("--check")
        self.assertEqual(code, 1)
        self.assertIn("bindings/swift/Sources/AntomCore/Models.swift", text)
        self.assertNotIn("npm/src/models.d.ts", text)

    def test_a_schema_change_drifts_every_runtime(self) -> None:
        self.assertEqual(self.run_main()[0], 0)
        path = self.crate / "schema" / "models.json"
        schema = json.loads(path.read_text())
        schema["types"][0]["fields"].append({"json": "newField", "type": "string", "required": False, "doc": "New."})
        path.write_text(json.dumps(schema))
        code, text = self.run_main("--check")
        self.assertEqual(code, 1)
        for rel in ("crates/antom-models/src/models.rs", "npm/src/models.d.ts", "python/antom_core/models.py",
                    "bindings/kotlin/src/main/kotlin/antom/core/models/Models.kt",
                    "bindings/swift/Sources/AntomCore/Models.swift"):
            self.assertIn(rel, text)
        self.assertNotIn("ModelJson.kt", text, "the JSON reader/writer does not depend on the schema")

    def test_output_is_deterministic(self) -> None:
        types = generate.load_schema()
        first = generate.outputs(types)
        self.assertEqual(first, generate.outputs(generate.load_schema()))
        for path, text in first.items():
            self.assertIn(generate.BANNER, text.splitlines()[0], path)

    def test_schema_errors_are_refused(self) -> None:
        path = self.crate / "schema" / "models.json"
        good = json.loads(path.read_text())
        for change, message in [
            (lambda s: s["types"][0]["fields"][0].update(type="Nope"), "unknown type"),
            (lambda s: s["types"][0]["fields"][0].update(json="snake_case"), "lowerCamelCase"),
            (lambda s: s["types"][0]["fields"].append(dict(s["types"][0]["fields"][0])), "duplicate"),
            (lambda s: s["types"][0]["fields"][0].update(json="extra"), "reserved"),
            (lambda s: s["types"][1].update(name=s["types"][0]["name"]), "duplicate type names"),
            (lambda s: s["types"][0]["fields"][0].update(doc=""), "doc"),
        ]:
            schema = json.loads(json.dumps(good))
            change(schema)
            path.write_text(json.dumps(schema))
            code, text = self.run_main("--check")
            self.assertEqual(code, 2, message)
            self.assertIn(message, text)

    def test_names(self) -> None:
        self.assertEqual(generate.snake("paymentRequestId"), "payment_request_id")
        self.assertEqual(generate.snake("address1"), "address1")
        self.assertEqual(generate.snake("arn"), "arn")



class CountsTest(unittest.TestCase):
    """The catalogue's counts, printed, and each runtime's generated file declaring exactly the
    schema's models (counted in the committed files, by each language's declaration syntax)."""

    def test_counts_per_runtime(self) -> None:
        catalogue = generate.load_catalogue()
        names = [t["name"] for t in catalogue["types"]]
        root = generate.ROOT
        declared = {
            "Rust": re.findall(r"^pub struct (\w+)", (generate.CRATE / "src" / "models.rs").read_text(), re.M),
            "TypeScript": re.findall(r"^export interface (\w+) \{", (root / "npm" / "src" / "models.d.ts").read_text(),
                                     re.M),
            "Python": re.findall(r"^class (\w+)\(_Model\):", (root / "python" / "antom_core" / "models.py").read_text(),
                                 re.M),
            "Kotlin": re.findall(r"^public (?:data )?class (\w+)\(", (root / "bindings" / "kotlin" / "src" / "main" / "kotlin" /
                                                              "antom" / "core" / "models" / "Models.kt").read_text(), re.M),
            "Swift": re.findall(r"^public struct (\w+): (?:Codable|JSONModel)", (root / "bindings" / "swift" / "Sources" / "AntomCore" /
                                                                "Models.swift").read_text(), re.M),
        }
        declared["TypeScript"] = [n for n in declared["TypeScript"] if not n.startswith("Antom")]
        notify_types = sorted({v for n in catalogue["notifications"] for v in (n.get("notifyType") or [])})
        print(f"\ncatalogue: {len(catalogue['apis'])} APIs, {len(catalogue['notifications'])} notification bodies "
              f"({len(notify_types)} notifyType values: {', '.join(notify_types)}), {len(names)} models, "
              f"{len(catalogue['enums'])} enums")
        for runtime, found in declared.items():
            print(f"  {runtime}: {len(found)} models")
            self.assertEqual(found, names, runtime)
        paths = {a["path"] for a in catalogue["apis"]}
        self.assertIn("/ams/api/v1/billing/product/uploadImage", paths)
        self.assertEqual(len(paths), len(catalogue["apis"]))
        for api in catalogue["apis"]:
            self.assertIn(api["request"], names, api["name"])
            self.assertIn(api["response"], names, api["name"])
        table = (root / "crates" / "antom-core" / "src" / "endpoints" / "table.rs").read_text()
        self.assertEqual(len(re.findall(r"^    Endpoint \{", table, re.M)), len(catalogue["apis"]))


if __name__ == "__main__":
    unittest.main()
