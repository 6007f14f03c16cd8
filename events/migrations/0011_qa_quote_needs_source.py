# A migration of its own: on PostgreSQL, a constraint cannot be added in the transaction
# that updated the rows it checks (0007 gives passages on the questions their source).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0010_quote_offsets_in_source"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='presentation',
            constraint=models.CheckConstraint(condition=models.Q(('qa_quote', ''), ('source__isnull', False), _connector='OR'), name='presentation_qa_quote_has_source', violation_error_message='A quoted passage needs its source.'),
        ),
    ]
