from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from forums.models import (
    BODY_MAX,
    REASON_MAX,
    TITLE_MAX,
    TOPIC_WATCH_LEVELS,
    Category,
    Post,
    WatchLevel,
)

BODY_HELP = _(
    "Mise en forme Markdown : **gras**, *italique*, listes, liens, > citation. "
    "Mentionnez un membre de l'espace avec @prénom.nom (sans accents, par ex. @eric.editeur) "
    "ou avec le début de son adresse e-mail (par ex. @m.durand) : il sera prévenu."
)


def _body_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=BODY_HELP,
    )


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, max_length=300)
    position = forms.IntegerField(
        label=_("Ordre"),
        min_value=0,
        max_value=10_000,
        help_text=_("Les catégories sont présentées par ordre croissant."),
    )


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Titre du sujet"), max_length=TITLE_MAX)
    body = _body_field(_("Message"))


class ReplyForm(forms.Form):
    body = _body_field(_("Votre réponse"))


class PostEditForm(forms.Form):
    title = forms.CharField(label=_("Titre du sujet"), max_length=TITLE_MAX)
    body = _body_field(_("Message"))

    def __init__(self, *args: Any, post: Post, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not post.is_first:
            del self.fields["title"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Raison"),
        max_length=REASON_MAX,
        help_text=_("Affichée aux membres à la place du contenu masqué."),
    )


class _CategoryChoiceForm(forms.Form):
    category = forms.TypedChoiceField(label=_("Catégorie"), coerce=int)

    def setup_categories(self, categories: list[Category]) -> None:
        self._categories = {c.pk: c for c in categories}
        self.fields["category"].choices = [(c.pk, c.name) for c in categories]  # type: ignore[attr-defined]

    def chosen_category(self) -> Category:
        return self._categories[self.cleaned_data["category"]]


class MoveForm(_CategoryChoiceForm):
    def __init__(self, *args: Any, categories: list[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_categories(categories)
        self.fields["category"].label = _("Déplacer vers la catégorie")


class SplitForm(_CategoryChoiceForm):
    posts = forms.TypedMultipleChoiceField(
        label=_("Réponses à déplacer"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins une réponse.")},
    )
    title = forms.CharField(label=_("Titre du nouveau sujet"), max_length=TITLE_MAX)

    def __init__(
        self, *args: Any, categories: list[Category], replies: list[Post], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.setup_categories(categories)
        self.fields["category"].label = _("Catégorie du nouveau sujet")
        self.fields["posts"].choices = [  # type: ignore[attr-defined]
            (post.pk, f"n° {post.number} — {post.author or '—'} — {post.body[:80]}")
            for post in replies
        ]
        self.order_fields(["posts", "title", "category"])


class WatchForm(forms.Form):
    level = forms.ChoiceField(label=_("Être prévenu·e"), choices=WatchLevel.choices)

    def __init__(self, *args: Any, for_topic: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if for_topic:
            self.fields["level"].choices = [  # type: ignore[attr-defined]
                (level.value, level.label) for level in TOPIC_WATCH_LEVELS
            ]
