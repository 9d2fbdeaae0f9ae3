"""The institutions roster through django-import-export.

`InstitutionRosterResource` turns each row into an unsaved Institution and
reports everything wrong with it in Chinese. It holds no rule: the credit-code
validator, the task-8 authority rule, the street and duplicate checks are the
`registration_checks.registration_validate`; writing is `institutions_register_bulk`,
called by `services.roster_import` once every row is valid. Lookups are cached:
departments in one query each (CachedForeignKeyWidget), the database's credit
codes in one query.

On export the dataset holds the values as they are; the file is written by
core.spreadsheets (`roster_export` below), the portal's one safe writer: in
the .xlsx every text is a string cell (never a formula, shown as typed), in the
.csv formula-like text gets the conventional leading apostrophe.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from import_export import fields, resources, widgets

from agencies.models import Department
from core import clock
from core.spreadsheets import table_csv, table_xlsx
from core.xlsx import FORMULA_WITHOUT_VALUE, UncachedFormula, cell_text

from . import rules, selectors
from .models import SERVICE_FIELDS, Institution, ServiceType
from .registration_checks import registration_validate
from .roster import EXPORT_ONLY_COLUMNS, IMPORT_COLUMNS
from .validators import normalise_credit_code


class TextWidget(widgets.Widget):
    def __init__(self, label: str, *, max_length: int, required: bool = False):
        super().__init__()
        self.label, self.max_length, self.required = label, max_length, required

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if self.required and not text:
            raise ValueError(f"{self.label}不能为空")
        if len(text) > self.max_length:
            raise ValueError(f"{self.label}超过{self.max_length}个字")
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class CreditCodeWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        code = normalise_credit_code(cell_text(value))
        if not code:
            raise ValueError("统一社会信用代码不能为空")
        return code


class ChoiceLabelWidget(widgets.Widget):
    """A choice by its Chinese label (营利性) or its code (for_profit)."""

    def __init__(self, label: str, choices):
        super().__init__()
        self.label = label
        self.by_text = {str(text): code for code, text in choices} | {code: code for code, _ in choices}
        self.labels = dict(choices)

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            raise ValueError(f"{self.label}不能为空")
        if text not in self.by_text:
            raise ValueError(f"{self.label}“{text}”无效，应为：{'、'.join(self.labels.values())}")
        return self.by_text[text]

    def render(self, value, obj=None, **kwargs):
        return str(self.labels.get(value, value or ""))


class CategoryWidget(ChoiceLabelWidget):
    """机构类别: 托育机构 or 家庭托育点; an empty cell (or no such column) is a 托育机构."""

    def clean(self, value, row=None, **kwargs):
        if not cell_text(value):
            return Institution.Category.CENTRE
        return super().clean(value, row, **kwargs)


class YesNoWidget(widgets.Widget):
    TRUE = {"是", "Y", "YES", "TRUE", "1", "√", "✓"}
    FALSE = {"否", "N", "NO", "FALSE", "0", "×", ""}

    def __init__(self, label: str):
        super().__init__()
        self.label = label

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = cell_text(value).upper()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(f"{self.label}“{cell_text(value)}”无效，应填“是”或“否”")

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class CapacityWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            raise ValueError(f"托位数“{value}”不是数字")
        if isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        else:
            text = cell_text(value).replace(",", "")
            if not text:
                return 0
            if not text.isascii() or not text.isdigit():
                raise ValueError(f"托位数“{cell_text(value)}”不是数字")
            number = int(text)
        if number < 0 or number > 100_000:
            raise ValueError(f"托位数“{number}”超出合理范围")
        return number

    def render(self, value, obj=None, **kwargs):
        return value if value is not None else ""


class DateCellWidget(widgets.Widget):
    FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")

    def __init__(self, label: str):
        super().__init__()
        self.label = label

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = cell_text(value)
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        for fmt in self.FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(f"{self.label}“{text}”不是有效日期（例：2020-07-17）")

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class DepartmentWidget(widgets.CachedForeignKeyWidget):
    """A department by name, from one cached query. Street offices may be
    written short (解放碑街道 → 解放碑街道办事处)."""

    def __init__(self, *, label: str, streets: bool, required: bool):
        super().__init__(Department, field="name")
        self.label, self.streets, self.required = label, streets, required

    def get_queryset(self, value, row, *args, **kwargs):
        if self.streets:
            return Department.objects.filter(kind=Department.Kind.STREET)
        return Department.objects.filter(name__in=rules.REGISTRATION_AUTHORITIES)

    def get_instance_by_lookup_fields(self, value, row, **kwargs):
        # One query for the whole file, then a dict (the library's cache builds
        # a namedtuple class per lookup: ~40 % of a 10,000-row dry run).
        if not hasattr(self, "_by_name"):
            self._by_name = {d.name: d for d in self.get_queryset(value, row)}
        try:
            return self._by_name[value]
        except KeyError:
            raise Department.DoesNotExist(value) from None

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(f"{self.label}不能为空")
            return None
        if self.streets and text.endswith("街道"):
            text += "办事处"
        try:
            return super().clean(text, row, **kwargs)
        except ObjectDoesNotExist:
            if self.streets:
                raise ValueError(f"所属街道“{cell_text(value)}”不是渝中区的街道办事处") from None
            raise ValueError(
                f"登记机关“{text}”无效，应为：{'、'.join(rules.REGISTRATION_AUTHORITIES)}"
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""


class ServiceTypesField(fields.Field):
    """One column (全日托、计时托) ↔ four boolean columns of the model."""

    SEPARATORS = "、,，;；/ "
    BY_TEXT = {str(label): code for code, label in ServiceType.choices} | {c: c for c in ServiceType.values}

    def clean(self, row, **kwargs):
        text = cell_text(row.get(self.column_name))
        for sep in self.SEPARATORS[1:]:
            text = text.replace(sep, "、")
        by_label = self.BY_TEXT
        codes, unknown = [], []
        for part in filter(None, (p.strip() for p in text.split("、"))):
            (codes if part in by_label else unknown).append(by_label.get(part, part))
        if unknown:
            raise ValueError(f"服务类型“{'、'.join(unknown)}”无效，应为：全日托、半日托、计时托、临时托")
        return codes

    def save(self, instance, row, is_m2m=False, **kwargs):
        codes = set(self.clean(row, **kwargs))
        for code, name in SERVICE_FIELDS.items():
            setattr(instance, name, code in codes)

    def export(self, instance, **kwargs):
        return "、".join(instance.service_type_labels)


def _field(attribute, widget):
    label = dict(IMPORT_COLUMNS)[attribute]
    return fields.Field(attribute=attribute, column_name=label, widget=widget)


class InstitutionRosterResource(resources.ModelResource):
    name = _field("name", TextWidget("机构名称", max_length=200, required=True))
    credit_code = _field("credit_code", CreditCodeWidget("统一社会信用代码", max_length=40))
    nature = _field("nature", ChoiceLabelWidget("机构性质", Institution.Nature.choices))
    legal_form = _field("legal_form", ChoiceLabelWidget("法人类型", Institution.LegalForm.choices))
    registration_authority = _field("registration_authority", DepartmentWidget(label="登记机关", streets=False,
                                                                               required=False))
    street = _field("street", DepartmentWidget(label="所属街道", streets=True, required=True))
    address = _field("address", TextWidget("地址", max_length=300, required=True))
    legal_representative = _field("legal_representative", TextWidget("法定代表人/负责人", max_length=50))
    contact_name = _field("contact_name", TextWidget("联系人", max_length=50))
    contact_phone = _field("contact_phone", TextWidget("联系电话", max_length=30))
    public_phone = _field("public_phone", TextWidget("对外咨询电话", max_length=30))
    service_types = ServiceTypesField(attribute="service_types", column_name="服务类型")
    capacity = _field("capacity", CapacityWidget())
    serves_meals = _field("serves_meals", YesNoWidget("提供膳食"))
    is_inclusive = _field("is_inclusive", YesNoWidget("普惠性"))
    is_demonstration = _field("is_demonstration", YesNoWidget("示范性"))
    is_employer_run = _field("is_employer_run", YesNoWidget("用人单位举办"))
    is_kindergarten_class = _field("is_kindergarten_class", YesNoWidget("幼儿园托班"))
    is_community_point = _field("is_community_point", YesNoWidget("社区托育点"))
    registered_on = _field("registered_on", DateCellWidget("登记日期"))
    category = _field("category", CategoryWidget("机构类别", Institution.Category.choices))
    # Export only: the registry's current filing status.
    filing_status = fields.Field(column_name="备案状态", readonly=True)
    receipt_number = fields.Field(column_name="备案回执编号", readonly=True)
    filed_on = fields.Field(attribute="filed_on", column_name="首次备案日期", readonly=True,
                            widget=DateCellWidget("首次备案日期"))
    cancelled_on = fields.Field(attribute="cancelled_on", column_name="注销日期", readonly=True,
                                widget=DateCellWidget("注销日期"))

    class Meta:
        model = Institution
        fields = [a for a, _ in IMPORT_COLUMNS + EXPORT_ONLY_COLUMNS]  # only the columns declared above
        import_order = [a for a, _ in IMPORT_COLUMNS]
        export_order = [a for a, _ in IMPORT_COLUMNS + EXPORT_ONLY_COLUMNS]
        use_bulk = True
        batch_size = None  # this resource never writes: rows are collected, see bulk_create
        force_init_instance = True  # a roster registers new institutions only
        skip_diff = True
        clean_model_instances = False  # the service's checks, not full_clean's query per row
        use_transactions = False

    def __init__(self, *, actor, line_numbers: list[int] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        self.line_numbers = line_numbers or []
        self.valid_instances: list[Institution] = []
        self._seen_codes: dict[str, int] = {}
        self._today = clock.today()

    # --- import ---------------------------------------------------------------------------

    def get_import_fields(self):
        # The library recomputes this list for every row.
        if not hasattr(self, "_import_fields"):
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def line_of(self, row_number: int) -> int:
        return self.line_numbers[row_number - 1] if self.line_numbers else row_number + 1

    def before_import(self, dataset, **kwargs):
        self.authorities = selectors.registration_authorities()
        self.existing_codes = set(Institution.objects.values_list("credit_code", flat=True))

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list[str]] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = {k: list(v) for k, v in exc.message_dict.items()}
        for field in self.get_import_fields():
            if isinstance(row.get(field.column_name), UncachedFormula):  # not "不能为空": a formula
                errors[field.attribute] = [f"“{field.column_name}”{FORMULA_WITHOUT_VALUE}"]
        check = registration_validate(
            actor=self.actor, credit_code=instance.credit_code, nature=instance.nature or None,
            legal_form=instance.legal_form or None,
            authority=instance.registration_authority if instance.registration_authority_id else None,
            street=instance.street if instance.street_id else None, authorities_by_name=self.authorities,
            existing_codes=self.existing_codes, is_inclusive=instance.is_inclusive,
            is_demonstration=instance.is_demonstration, category=instance.category, capacity=instance.capacity,
        )
        for key, messages in check.errors.items():
            if key not in errors:
                errors[key] = messages
        line = self.line_of(kwargs["row_number"])
        code = instance.credit_code
        if code and "credit_code" not in errors:
            if code in self._seen_codes:
                errors["credit_code"] = [f"统一社会信用代码{code}与第{self._seen_codes[code]}行重复"]
            else:
                self._seen_codes[code] = line
        if errors:
            raise ValidationError(errors)
        instance.registration_authority = check.authority
        instance.registered_on = instance.registered_on or self._today
        instance.status = Institution.Status.REGISTERED
        if instance.is_demonstration:
            instance.demonstration_on = instance.registered_on

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        # Collect only; services.institutions_register_bulk writes once every row is valid.
        self.valid_instances.extend(self.create_instances)
        self.create_instances.clear()

    def after_import(self, dataset, result, **kwargs):
        pass  # nothing written here, so no sequence to reset

    # --- export ---------------------------------------------------------------------------

    def dehydrate_filing_status(self, institution):
        return selectors.filing_status_text(institution)

    def dehydrate_receipt_number(self, institution):
        return getattr(institution, "latest_receipt_number", None) or ""


EXPORT_FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("text/csv; charset=utf-8", "csv"),
}


def roster_export(*, user, file_format: str, queryset=None, empty: bool = False) -> bytes:
    """The roster the user may see, with current filing status, as .xlsx or
    .csv (UTF-8 with BOM so Excel reads the Chinese), written by the portal's
    safe spreadsheet writer (core.spreadsheets: text never becomes a formula).
    `empty` gives the import template: headers only."""
    if file_format not in EXPORT_FORMATS:
        raise ValueError(file_format)
    queryset = selectors.institutions_for_user(user) if queryset is None else queryset
    if empty:
        queryset = queryset.none()
    dataset = InstitutionRosterResource(actor=user).export(queryset.order_by("street__position", "name", "pk"))
    if file_format == "xlsx":
        return table_xlsx(dataset.headers, dataset, title="托育机构名册")
    return table_csv(dataset.headers, dataset)
