{#- The combination of `columns` is unique over the model's rows (no NULL-skipping: a NULL part
    counts as a value). -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
